# Sourced by the other scripts: makes sure a Rust toolchain is on PATH.
# The project needs Rust 1.91 or newer (see rust-version in Cargo.toml).
if ! command -v cargo >/dev/null 2>&1; then
    export PATH="$HOME/.cargo/bin:$PATH"
fi
if ! command -v cargo >/dev/null 2>&1; then
    if command -v rustup >/dev/null 2>&1; then
        rustup default stable
    else
        echo "pushdoctor: cargo is missing; install Rust 1.91 or newer (https://rustup.rs), then run this again" >&2
        exit 2
    fi
fi
