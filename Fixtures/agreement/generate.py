#!/usr/bin/env python3
"""Cross-check corpus for FocusCode's agreement module (Sources/FocusCodeKit/Agreement).

Writes expected.json beside this script: small reliability matrices (units x coders, null =
missing) with every coefficient computed by independent Python reference packages, so the Swift
implementation can be checked against code it shares nothing with.

Pinned reference versions (also written into the JSON):
    krippendorff==0.9.0   Krippendorff's alpha (nominal), and its coincidence matrix for 1 - D_o
    irrCAC==0.4.4         Gwet's Fleiss kappa for missing data, AC1, unit-mean percent agreement
    scikit-learn==1.9.1   Cohen's kappa per pair and pairwise percent agreement (accuracy_score)
    statsmodels==0.15.0   Fleiss' kappa on complete cases; Scott's pi (Fleiss' kappa of 2 raters)
    numpy==1.26.4, pandas==2.3.3 (as resolved by pip for the above)

Regenerate:
    python3 -m venv /tmp/agr-venv
    /tmp/agr-venv/bin/pip install krippendorff==0.9.0 irrCAC==0.4.4 scikit-learn==1.9.1 statsmodels==0.15.0
    /tmp/agr-venv/bin/python Fixtures/agreement/generate.py

Mapping of reference outputs to FocusCode's coefficient names (PRODUCT.md section 7):
    percent_agreement.pair            sklearn accuracy_score on the units both coders coded
    percent_agreement.pairwise_mean   mean of the defined pair values above
    percent_agreement.unit_mean       irrCAC CAC(...).gwet()['est']['pa'] (irrCAC's "percent agreement")
    percent_agreement.krippendorff_observed
                                      trace / sum of krippendorff's coincidence matrix
                                      (krippendorff._coincidences, the matrix alpha() itself uses)
    cohen_kappa.pair                  sklearn cohen_kappa_score on the units both coders coded
    cohen_kappa.mean_over_pairs       mean of the defined (non-NaN) pair values above
    scott_pi                          statsmodels fleiss_kappa of the two coders' shared units
                                      (Fleiss' kappa with two raters is Scott's pi); 3+ coders: undefined
    fleiss_kappa_complete_cases       statsmodels fleiss_kappa on units coded by every coder
    fleiss_kappa_gwet_missing         irrCAC CAC(...).fleiss() (Gwet's form, as R irrCAC fleiss.kappa.raw)
    krippendorff_alpha_nominal        krippendorff.alpha(level_of_measurement="nominal")
    gwet_ac1                          irrCAC CAC(..., categories=all q categories).gwet()

A NaN, infinity or exception from a reference package is recorded as "undefined" (null value).
irrCAC rounds its results to `digits` places, so it is called with digits=15.
Where a reference package differs from PRODUCT.md, the spec wins and the case records it under
"reference_overrides". One such difference is known: when every value is the same category,
irrCAC's fleiss() computes p_e = sum(pi_k^2) in floating point as 1 - 2^-52 instead of exactly 1
and so returns (1 - p_e)/(1 - p_e) = 1.0; by the spec (and exactly) p_e = 1 and the coefficient is
0/0, undefined. The override is decided from exact integer counts, as the Swift code does.
"""

import json
import math
import random
import sys
import warnings
from pathlib import Path

import numpy as np
import pandas as pd

import irrCAC
import irrCAC.datasets
import krippendorff
import sklearn
import statsmodels
from irrCAC.raw import CAC
from sklearn.metrics import accuracy_score, cohen_kappa_score
from statsmodels.stats.inter_rater import aggregate_raters, fleiss_kappa

PINNED = {
    "krippendorff": "0.9.0",
    "irrCAC": "0.4.4",
    "scikit-learn": "1.9.1",
    "statsmodels": "0.15.0",
}
SEED = 20240601


def installed_versions():
    from importlib.metadata import version

    got = {name: version(name) for name in PINNED}
    got["numpy"] = np.__version__
    got["pandas"] = pd.__version__
    for name, pinned in PINNED.items():
        if got[name] != pinned:
            sys.exit(f"{name} {got[name]} is installed but {pinned} is pinned; install the pinned version.")
    return got


def finite_or_none(x):
    try:
        x = float(x)
    except (TypeError, ValueError):
        return None
    return x if math.isfinite(x) else None


def quiet(fn):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            return fn()
        except (ValueError, ZeroDivisionError, FloatingPointError, IndexError):
            return None


def expected_values(matrix, q):
    """Every coefficient for a units x coders matrix of category indices (None = missing)."""
    units = len(matrix)
    m = len(matrix[0]) if units else 0
    arr = np.array([[np.nan if v is None else float(v) for v in row] for row in matrix], dtype=float).reshape(units, m)
    out = {}

    # Pairs (coder order), pairwise deletion.
    pct_pairs, kappa_pairs = [], []
    for a in range(m):
        for b in range(a + 1, m):
            shared = ~np.isnan(arr[:, a]) & ~np.isnan(arr[:, b])
            ya, yb = arr[shared, a].astype(int), arr[shared, b].astype(int)
            if shared.sum() == 0:
                pct_pairs.append(None)
                kappa_pairs.append(None)
                continue
            pct_pairs.append(finite_or_none(accuracy_score(ya, yb)))
            kappa_pairs.append(quiet(lambda: finite_or_none(cohen_kappa_score(ya, yb))))
    out["percent_agreement.pair"] = pct_pairs
    out["cohen_kappa.pair"] = kappa_pairs
    defined_pct = [v for v in pct_pairs if v is not None]
    defined_kappa = [v for v in kappa_pairs if v is not None]
    out["percent_agreement.pairwise_mean"] = sum(defined_pct) / len(defined_pct) if defined_pct else None
    out["cohen_kappa.mean_over_pairs"] = sum(defined_kappa) / len(defined_kappa) if defined_kappa else None

    # Scott's pi: two coders only.
    if m == 2:
        shared = ~np.isnan(arr[:, 0]) & ~np.isnan(arr[:, 1])
        if shared.sum() == 0:
            out["scott_pi"] = None
        else:
            table, _ = aggregate_raters(arr[shared].astype(int), n_cat=q)
            out["scott_pi"] = quiet(lambda: finite_or_none(fleiss_kappa(table, method="fleiss")))
    else:
        out["scott_pi"] = None

    # Fleiss on complete cases.
    complete = ~np.isnan(arr).any(axis=1) if m else np.zeros(units, dtype=bool)
    out["fleiss_kappa_complete_cases.n_units"] = int(complete.sum())
    if m >= 2 and complete.sum() > 0:
        table, _ = aggregate_raters(arr[complete].astype(int), n_cat=q)
        out["fleiss_kappa_complete_cases"] = quiet(lambda: finite_or_none(fleiss_kappa(table, method="fleiss")))
    else:
        out["fleiss_kappa_complete_cases"] = None

    # irrCAC (Gwet): needs two raters and at least one rated unit; it drops units nobody rated.
    pairable_units = int(((~np.isnan(arr)).sum(axis=1) >= 2).sum()) if m else 0
    if m >= 2 and pairable_units > 0:
        frame = pd.DataFrame(arr, columns=[f"c{i}" for i in range(m)])
        cats = list(range(q))

        def gwet():
            return CAC(frame.copy(), categories=cats, digits=15).gwet()["est"]

        def fleiss():
            return CAC(frame.copy(), categories=cats, digits=15).fleiss()["est"]

        g = quiet(gwet)
        f = quiet(fleiss)
        out["gwet_ac1"] = finite_or_none(g["coefficient_value"]) if g else None
        out["percent_agreement.unit_mean"] = finite_or_none(g["pa"]) if g else None
        out["fleiss_kappa_gwet_missing"] = finite_or_none(f["coefficient_value"]) if f else None
    else:
        out["gwet_ac1"] = None
        out["percent_agreement.unit_mean"] = None
        out["fleiss_kappa_gwet_missing"] = None

    # Krippendorff: alpha and the observed agreement 1 - D_o from the same coincidence matrix.
    if m >= 2 and pairable_units > 0:
        data = arr.T  # krippendorff wants coders x units
        out["krippendorff_alpha_nominal"] = quiet(
            lambda: finite_or_none(krippendorff.alpha(reliability_data=data, level_of_measurement="nominal", value_domain=list(range(q))))
        )
        counts = krippendorff.krippendorff._reliability_data_to_value_counts(data, np.array(range(q)))
        o = krippendorff.krippendorff._coincidences(counts)
        out["percent_agreement.krippendorff_observed"] = finite_or_none(np.trace(o) / o.sum())
    else:
        out["krippendorff_alpha_nominal"] = None
        out["percent_agreement.krippendorff_observed"] = None
    return out


def apply_spec_overrides(case):
    """Where a reference package's floating point hides an exact 0/0, record the spec's answer."""
    values = {v for row in case["matrix"] for v in row if v is not None}
    expected = case["expected"]
    if len(values) == 1 and expected.get("fleiss_kappa_gwet_missing") is not None:
        case.setdefault("reference_overrides", {})["fleiss_kappa_gwet_missing"] = {
            "reference_value": expected["fleiss_kappa_gwet_missing"],
            "spec_value": None,
            "why": "one category only: p_e = 1 exactly, so the coefficient is 0/0; irrCAC's floating-point p_e "
                   "falls just short of 1 and it returns 1.0",
        }
        expected["fleiss_kappa_gwet_missing"] = None


def random_case(rng, name, m, units, q, missing, agree, skew=None):
    """Units with a latent category; each coder agrees with it with probability `agree`."""
    weights = skew or [rng.random() + 0.2 for _ in range(q)]
    matrix = []
    for _ in range(units):
        truth = rng.choices(range(q), weights=weights)[0]
        row = []
        for _ in range(m):
            if rng.random() < missing:
                row.append(None)
            elif rng.random() < agree:
                row.append(truth)
            else:
                row.append(rng.choices(range(q), weights=weights)[0])
        matrix.append(row)
    return {"name": name, "coders": [f"C{i + 1}" for i in range(m)], "categories": labels(q), "matrix": matrix}


def labels(q):
    return ["0", "1"] if q == 2 else [chr(ord("A") + i) for i in range(q)]


def rows_from_counts(counts):
    """Fleiss-style per-subject category counts to raw rows (raters filled in category order)."""
    rows = []
    for subject in counts:
        row = []
        for k, n in enumerate(subject):
            row += [k] * n
        rows.append(row)
    return rows


def published_cases():
    """Published examples; "published" keeps each value as printed (a string, so trailing zeros count)."""
    cases = []
    # Krippendorff (2011), "Computing Krippendorff's Alpha-Reliability", binary data, two observers.
    a = [0, 1, 0, 0, 0, 0, 0, 0, 1, 0]
    b = [1, 1, 1, 0, 0, 1, 0, 0, 0, 0]
    cases.append({"name": "krippendorff-2011-binary", "coders": ["A", "B"], "categories": ["0", "1"],
                  "matrix": [[x, y] for x, y in zip(a, b)], "published": {"krippendorff_alpha_nominal": "0.095"}})
    # Krippendorff (2011), nominal data, four observers, missing data (values 1..5 -> indices 0..4).
    obs = [
        [1, 2, 3, 3, 2, 1, 4, 1, 2, None, None, None],
        [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, None, 3],
        [None, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, None],
        [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, None],
    ]
    matrix = [[None if obs[c][u] is None else obs[c][u] - 1 for c in range(4)] for u in range(12)]
    cases.append({"name": "krippendorff-2011-nominal", "coders": ["A", "B", "C", "D"], "categories": ["1", "2", "3", "4", "5"],
                  "matrix": matrix, "published": {"krippendorff_alpha_nominal": "0.743"}})
    # Fleiss (1971): 30 patients, 6 psychiatrists, 5 diagnoses (Depression, Personality disorder,
    # Schizophrenia, Neurosis, Other); per-patient counts.
    fleiss_counts = [
        [0, 0, 0, 6, 0], [0, 3, 0, 0, 3], [0, 1, 4, 0, 1], [0, 0, 0, 0, 6], [0, 3, 0, 3, 0],
        [2, 0, 4, 0, 0], [0, 0, 4, 0, 2], [2, 0, 3, 1, 0], [2, 0, 0, 4, 0], [0, 0, 0, 0, 6],
        [1, 0, 0, 5, 0], [1, 1, 0, 4, 0], [0, 3, 3, 0, 0], [1, 0, 0, 5, 0], [0, 2, 0, 3, 1],
        [0, 0, 5, 0, 1], [3, 0, 0, 1, 2], [5, 1, 0, 0, 0], [0, 2, 0, 4, 0], [1, 0, 2, 0, 3],
        [0, 0, 0, 0, 6], [0, 1, 0, 5, 0], [0, 2, 0, 1, 3], [2, 0, 0, 4, 0], [1, 0, 0, 4, 1],
        [0, 5, 0, 1, 0], [4, 0, 0, 0, 2], [0, 2, 0, 4, 0], [1, 0, 5, 0, 0], [0, 0, 0, 0, 6],
    ]
    cases.append({"name": "fleiss-1971", "coders": [f"R{i}" for i in range(1, 7)],
                  "categories": ["Depression", "Personality disorder", "Schizophrenia", "Neurosis", "Other"],
                  "matrix": rows_from_counts(fleiss_counts), "published": {"fleiss_kappa_complete_cases": "0.430"}})
    # Textbook Cohen example: 50 units; both yes 20, A yes/B no 5, A no/B yes 10, both no 15.
    matrix = [[1, 1]] * 20 + [[1, 0]] * 5 + [[0, 1]] * 10 + [[0, 0]] * 15
    cases.append({"name": "cohen-textbook", "coders": ["A", "B"], "categories": ["0", "1"],
                  "matrix": [list(r) for r in matrix], "published": {"cohen_kappa.pair": "0.40"}})
    # irrCAC cac.raw4raters (Gwet 2014): AC1 0.77544, Fleiss (Gwet form) 0.76117, p_a 0.81818.
    raw4 = irrCAC.datasets.raw_4raters()
    matrix = [[None if pd.isna(v) else int(v) - 1 for v in row] for row in raw4.itertuples(index=False)]
    cases.append({"name": "irrcac-raw4raters", "coders": list(raw4.columns), "categories": ["1", "2", "3", "4", "5"],
                  "matrix": matrix, "published": {"gwet_ac1": "0.77544", "fleiss_kappa_gwet_missing": "0.76117",
                                                   "percent_agreement.unit_mean": "0.81818"}})
    # irrCAC cac.raw5obser (Gwet 2014), scores 0..3 analysed as nominal.
    raw5 = irrCAC.datasets.raw_5observers()
    matrix = [[None if pd.isna(v) else int(v) for v in row] for row in raw5.itertuples(index=False)]
    cases.append({"name": "irrcac-raw5observers", "coders": list(raw5.columns), "categories": ["0", "1", "2", "3"],
                  "matrix": matrix})
    # irrCAC cac.ben.gerry: two raters, categories a..e, one missing rating.
    bg = irrCAC.datasets.raw_ben_gerry()
    cats = ["a", "b", "c", "d", "e"]
    matrix = [[None if v is None or (isinstance(v, float) and math.isnan(v)) else cats.index(v) for v in row]
              for row in bg.itertuples(index=False)]
    cases.append({"name": "irrcac-ben-gerry", "coders": list(bg.columns), "categories": cats, "matrix": matrix})
    return cases


def edge_cases():
    n = None
    return [
        {"name": "edge-constant", "coders": ["A", "B", "C"], "categories": ["0", "1"],
         "matrix": [[1, 1, 1], [1, n, 1], [1, 1, n], [n, 1, 1], [1, 1, 1], [n, n, 1]],
         "note": "every value is 1: kappa, pi, Fleiss, alpha undefined (0/0); percent agreements 1; AC1 1"},
        {"name": "edge-one-coder", "coders": ["A"], "categories": ["0", "1"],
         "matrix": [[0], [1], [1], [n], [0]], "note": "one coder: everything undefined"},
        {"name": "edge-no-shared-unit", "coders": ["A", "B"], "categories": ["0", "1"],
         "matrix": [[0, n], [1, n], [n, 1], [n, 0], [n, n]], "note": "no unit coded by both: everything undefined"},
        {"name": "edge-constant-pair", "coders": ["A", "B", "C"], "categories": ["0", "1"],
         "matrix": [[1, 1, 0], [1, 1, 1], [1, 1, 0], [1, 1, 1], [n, 0, 0], [0, n, 1]],
         "note": "A and B both give 1 on every shared unit: their kappa is undefined and left out of Light's mean"},
        {"name": "edge-constant-opposite", "coders": ["A", "B"], "categories": ["0", "1"],
         "matrix": [[0, 1], [0, 1], [0, 1], [0, 1]],
         "note": "both coders constant on different categories: p_e = 0, kappa = 0 (defined)"},
        {"name": "edge-no-complete-case", "coders": ["A", "B", "C"], "categories": ["A", "B", "C"],
         "matrix": [[0, 0, n], [n, 1, 1], [2, n, 2], [0, 1, n], [n, 2, 2], [1, n, 0]],
         "note": "no unit coded by all three coders: Fleiss complete cases undefined, Gwet's form defined"},
        {"name": "edge-unused-categories", "coders": ["A", "B", "C"], "categories": ["A", "B", "C", "D", "E"],
         "matrix": [[0, 0, 1], [1, 1, 1], [0, 0, 0], [1, n, 1], [0, 1, 0], [1, 1, n], [0, 0, 0]],
         "note": "q = 5 with two categories used: AC1 uses q = 5"},
        {"name": "edge-singletons", "coders": ["A", "B", "C", "D"], "categories": ["0", "1"],
         "matrix": [[1, n, n, n], [0, n, n, n], [1, 1, n, 0], [0, 0, 0, 0], [n, n, n, n], [1, 1, 1, n], [n, 0, n, n]],
         "note": "units with one value enter pi_k (Gwet) but not p_a or alpha; a unit nobody coded is ignored"},
        {"name": "edge-pairable-constant-singleton-varies", "coders": ["A", "B"], "categories": ["0", "1"],
         "matrix": [[1, 1], [1, 1], [1, 1], [0, n]],
         "note": "pairable values all 1 (alpha, kappa undefined) but a single 0 makes Gwet's Fleiss p_e < 1"},
    ]


def main():
    versions = installed_versions()
    rng = random.Random(SEED)
    cases = published_cases() + edge_cases()
    specs = [
        # (coders, units, q, missing, agreement)
        (2, 5, 2, 0.0, 0.7), (2, 20, 2, 0.2, 0.8), (2, 40, 3, 0.1, 0.6), (2, 60, 5, 0.3, 0.5),
        (3, 8, 2, 0.0, 0.9), (3, 25, 2, 0.3, 0.7), (3, 30, 3, 0.2, 0.4), (3, 50, 4, 0.4, 0.8),
        (4, 12, 2, 0.1, 0.5), (4, 35, 3, 0.3, 0.9), (4, 45, 5, 0.2, 0.6), (4, 60, 2, 0.5, 0.7),
        (5, 10, 3, 0.0, 0.3), (5, 30, 2, 0.2, 0.95), (5, 55, 4, 0.3, 0.7), (5, 20, 5, 0.6, 0.6),
        (6, 15, 2, 0.1, 0.8), (6, 40, 3, 0.4, 0.5), (6, 60, 5, 0.2, 0.9), (6, 25, 4, 0.5, 0.2),
    ]
    for i, (m, units, q, missing, agree) in enumerate(specs, start=1):
        cases.append(random_case(rng, f"random-{i:02d}", m, units, q, missing, agree))
    # Rare codes, as the prevalence warning is about: a binary code applied to ~5% of units.
    cases.append(random_case(rng, "random-rare-code", 3, 60, 2, 0.1, 0.8, skew=[0.95, 0.05]))
    cases.append(random_case(rng, "random-rare-code-2coders", 2, 50, 2, 0.0, 0.9, skew=[0.93, 0.07]))

    for case in cases:
        q = len(case["categories"])
        case["expected"] = expected_values(case["matrix"], q)
        apply_spec_overrides(case)

    doc = {
        "description": "Agreement coefficients of small reliability matrices (units x coders, category index or null = missing), "
                       "computed by reference Python packages; see generate.py for the mapping to FocusCode's names.",
        "generator": "Fixtures/agreement/generate.py",
        "seed": SEED,
        "versions": versions,
        "tolerance": 1e-9,
        "cases": cases,
    }
    path = Path(__file__).with_name("expected.json")
    path.write_text(json.dumps(doc, indent=1, allow_nan=False) + "\n")
    print(f"wrote {len(cases)} cases to {path}")


if __name__ == "__main__":
    main()
