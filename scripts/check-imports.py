#!/usr/bin/env python3
"""Every module a target's sources import is declared in Package.swift, and every declared dependency is
imported: reads `swift package dump-package` (JSON on stdin) and the Swift files under ROOT. Prints one
line per problem (`check-architecture: <file>: ...`) and exits 1 when there is any. Run by
scripts/check-architecture.sh."""
import json, os, re, sys

# Modules of the toolchain and the OS: imported without a declaration.
SYSTEM = {"Foundation", "FoundationXML", "FoundationNetworking", "FoundationEssentials", "Glibc", "Darwin", "Musl",
          "Dispatch", "Synchronization", "Testing", "XCTest", "_Concurrency", "os", "Observation", "RegexBuilder"}
IMPORT = re.compile(r"^\s*(?:@[A-Za-z_]+(?:\([^)]*\))?\s+)*import\s+(?:(?:typealias|struct|class|enum|protocol|let|var|func)\s+)?([A-Za-z_][A-Za-z0-9_]*)")

root = sys.argv[1]
package = json.load(sys.stdin)
problems = 0
for target in package["targets"]:
    name, kind = target["name"], target["type"]
    if kind in ("system", "binary", "plugin", "macro"):
        continue
    path = target.get("path") or os.path.join("Tests" if kind == "test" else "Sources", name)
    declared = set()
    for dep in target.get("dependencies", []):
        for key in ("byName", "target", "product"):
            if key in dep:
                declared.add(dep[key][0])
    imported = {}
    for folder, _, files in os.walk(os.path.join(root, path)):
        for file in sorted(files):
            if not file.endswith(".swift"):
                continue
            full = os.path.join(folder, file)
            with open(full, encoding="utf-8", errors="replace") as handle:
                for number, line in enumerate(handle, 1):
                    match = IMPORT.match(line.split("//")[0])
                    if match:
                        imported.setdefault(match.group(1), f"{os.path.relpath(full, root)}:{number}")
    for module, where in sorted(imported.items()):
        if module not in declared and module not in SYSTEM and module != name:
            print(f"check-architecture: {where}: target {name} imports {module}, which Package.swift does not declare for it")
            problems += 1
    for module in sorted(declared - set(imported)):
        print(f"check-architecture: Package.swift: target {name} declares {module} but none of its sources imports it")
        problems += 1
sys.exit(1 if problems else 0)
