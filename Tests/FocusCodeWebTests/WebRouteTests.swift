import XCTest
@testable import FocusCodeWeb
final class WebRouteTests: XCTestCase { func testNothing() {} }
