"""Tiny check harness shared by the client scripts: every check prints PASS/FAIL; exit code 1 if any failed."""
import sys
import traceback

_failures = []


def check(name, actual, expected):
    if actual == expected:
        print(f"PASS {name}")
    else:
        shown_a, shown_e = repr(actual), repr(expected)
        if len(shown_a) > 200:
            shown_a = shown_a[:200] + "..."
        if len(shown_e) > 200:
            shown_e = shown_e[:200] + "..."
        print(f"FAIL {name}: expected {shown_e}, got {shown_a}")
        _failures.append(name)


def check_true(name, condition, detail=""):
    if condition:
        print(f"PASS {name}")
    else:
        print(f"FAIL {name}: {detail}")
        _failures.append(name)


def check_raises(name, fn, exception_types, contains=None):
    try:
        result = fn()
    except exception_types as e:
        if contains is None or contains in str(e):
            print(f"PASS {name}")
        else:
            print(f"FAIL {name}: raised {type(e).__name__}({e!s}) without '{contains}'")
            _failures.append(name)
        return
    except Exception as e:  # noqa: BLE001 - report anything unexpected as a failure
        print(f"FAIL {name}: raised unexpected {type(e).__name__}({e!s})")
        _failures.append(name)
        return
    print(f"FAIL {name}: returned {result!r} instead of raising")
    _failures.append(name)


def run(main):
    try:
        main()
    except Exception:  # noqa: BLE001
        traceback.print_exc()
        print("FAIL script aborted with an exception")
        _failures.append("<exception>")
    if _failures:
        print(f"FAILED: {', '.join(_failures)}")
        sys.exit(1)
    print("ALL PASSED")
