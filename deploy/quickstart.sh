#!/usr/bin/env bash
# The README's first command: install, build, and run the main job.
set -euo pipefail
cd "$(dirname "$0")/.."
./deploy/setup.sh
./deploy/build.sh
echo
echo "budgetperf is built. Checking the seed package fixture:"
./build/tests/seed_fixture_test --gtest_brief=1
echo
echo "Coming next: the all-in-one server (budgetd) with the sample district loaded."
