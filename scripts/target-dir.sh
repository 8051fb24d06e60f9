# Sourced by the scripts that read what cargo built (bindings/generate.sh,
# kotlin-test.sh, kotlin-bench.sh): sets $target_dir to the directory cargo
# builds into, asked of cargo and not assumed. It is target/ of the
# workspace unless CARGO_TARGET_DIR or a cargo config's build.target-dir
# says otherwise, and the scripts must follow whichever it is.
target_dir="$(cargo metadata --format-version 1 --no-deps --offline |
    python3 -c 'import json, sys; print(json.load(sys.stdin)["target_directory"])')"
if [ -z "$target_dir" ]; then
    echo "$0: cargo metadata did not report a target directory" >&2
    exit 2
fi
