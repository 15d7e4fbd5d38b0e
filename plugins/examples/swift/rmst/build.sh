#!/bin/sh
# Builds the rmst plugin's program (./rmst) with swiftc; run once before `plugin install`.
# Not part of survsh's SwiftPM build. OUT= names another output path (the tests build into a
# temporary folder).
set -e
cd "$(dirname "$0")"
swiftc -swift-version 6 rmst.swift -o "${OUT:-rmst}"
