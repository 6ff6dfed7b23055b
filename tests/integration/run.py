#!/usr/bin/env python3
# SPDX-License-Identifier: ISC
"""Runs the integration tests and prints one TAP line per test.

  run.py --build BUILD_DIR [--variant NAME] [--frontend subagent|plugin] [MODULE ...]

BUILD_DIR holds the built tree (subagent/smtpmond, src/.libs/smtpmon.so);
the tests run against smtpmond or against snmpd with the plugin. Exit status 1 if any
test failed or errored.
"""

import argparse
import os
import sys
import time
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))


class TapResult(unittest.TestResult):
    def __init__(self):
        super().__init__()
        self.count = 0

    def _line(self, ok, test, note=""):
        self.count += 1
        name = test.id().replace("__main__.", "")
        print("%s %d - %s%s" % ("ok" if ok else "not ok", self.count, name, note), flush=True)

    @staticmethod
    def _diag(text):
        for line in text.rstrip().splitlines():
            print("# " + line, flush=True)

    def addSuccess(self, test):
        super().addSuccess(test)
        self._line(True, test)

    def addFailure(self, test, err):
        super().addFailure(test, err)
        self._line(False, test)
        self._diag(self.failures[-1][1])

    def addError(self, test, err):
        super().addError(test, err)
        self._line(False, test)
        self._diag(self.errors[-1][1])

    def addSubTest(self, test, subtest, err):
        """A failing subtest is a failing test line of its own; passing
        ones count in their test's line."""
        super().addSubTest(test, subtest, err)
        if err is not None:
            self._line(False, subtest)
            self._diag((self.failures or self.errors)[-1][1])

    def addSkip(self, test, reason):
        super().addSkip(test, reason)
        self._line(True, test, " # SKIP " + reason)

    def addExpectedFailure(self, test, err):
        super().addExpectedFailure(test, err)
        self._line(True, test, " # TODO expected failure")

    def addUnexpectedSuccess(self, test):
        super().addUnexpectedSuccess(test)
        self._line(False, test, " # unexpected success")


def first_test(suite):
    for t in suite:
        found = first_test(t) if isinstance(t, unittest.TestSuite) else t
        if found is not None:
            return found
    return None


def claim(directory, module):
    """True for the one runner that creates the module's file in DIRECTORY
    (named after its first test, which no other module has)."""
    test = first_test(module)
    if test is None:
        return False
    name = test.id().replace("/", "_")
    try:
        os.close(os.open(os.path.join(directory, name), os.O_CREAT | os.O_EXCL | os.O_WRONLY))
        return True
    except FileExistsError:
        return False


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--build", required=True)
    ap.add_argument("--variant", default="plain")
    ap.add_argument("--frontend", choices=("subagent", "plugin"), default="subagent")
    ap.add_argument("--claims", metavar="DIR",
                    help="run only the modules this runner claims first in DIR, so that "
                         "runners sharing DIR share the modules between them")
    ap.add_argument("modules", nargs="*")
    args = ap.parse_args()
    os.environ["SMTPMON_BUILD"] = os.path.abspath(args.build)
    os.environ["SMTPMON_VARIANT"] = args.variant
    os.environ["SMTPMON_FRONTEND"] = args.frontend
    sys.path.insert(0, HERE)
    loader = unittest.TestLoader()
    if args.modules:
        suite = loader.loadTestsFromNames(args.modules)
    else:
        suite = loader.discover(HERE, pattern="test_*.py", top_level_dir=HERE)
    result = TapResult()
    started = time.monotonic()
    for module in suite:    # one suite per module: its time shows where the minutes go
        if args.claims and not claim(args.claims, module):
            continue
        t0, n = time.monotonic(), result.count
        module.run(result)
        if result.count > n:
            print("# %.1fs for %d tests" % (time.monotonic() - t0, result.count - n), flush=True)
    print("1..%d" % result.count)
    print("# integration (%s, %s): %d tests in %.1fs" % (args.variant, args.frontend, result.count,
                                                     time.monotonic() - started))
    return 0 if result.wasSuccessful() and (result.count > 0 or args.claims) else 1


if __name__ == "__main__":
    sys.exit(main())
