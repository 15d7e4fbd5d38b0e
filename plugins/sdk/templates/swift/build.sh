#!/bin/sh
# Builds ./__NAME__ from __NAME__.swift with swiftc (run before `plugin install`).
set -e
cd "$(dirname "$0")"
swiftc -swift-version 6 __NAME__.swift -o __NAME__
