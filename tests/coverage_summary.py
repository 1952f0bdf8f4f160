#!/usr/bin/env python3
"""Line coverage per production project, merged over every test assembly's Cobertura report.

Usage: coverage_summary.py RESULTS_DIR
A line counts once per (project, file, line number) and is covered when any test assembly ran it. Prints one row per
project and the total, against the plan's target of 85%. Reads only the standard library.
"""
import glob
import os
import sys
import xml.etree.ElementTree as ElementTree

TARGET = 0.85


def main(results: str) -> int:
    reports = glob.glob(os.path.join(results, "**", "*.cobertura.xml"), recursive=True)
    if not reports:
        print("coverage: no Cobertura report under", results)
        return 0
    lines: dict[tuple[str, str, int], bool] = {}
    for report in reports:
        root = ElementTree.parse(report).getroot()
        for package in root.iter("package"):
            project = package.get("name", "?")
            for cls in package.iter("class"):
                filename = cls.get("filename", "?")
                for line in cls.iter("line"):
                    key = (project, filename, int(line.get("number", "0")))
                    lines[key] = lines.get(key, False) or int(line.get("hits", "0")) > 0
    projects = sorted({key[0] for key in lines})
    print(f"Coverage (lines of production code, merged over {len(reports)} test assemblies; target {TARGET:.0%}):")
    for project in projects:
        keys = [k for k in lines if k[0] == project]
        covered = sum(lines[k] for k in keys)
        print(f"  {project:<30} {covered / len(keys):6.1%}  ({covered:,} of {len(keys):,} lines)")
    covered = sum(lines.values())
    print(f"  {'all':<30} {covered / len(lines):6.1%}  ({covered:,} of {len(lines):,} lines)")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1] if len(sys.argv) > 1 else "artifacts/test-results"))
