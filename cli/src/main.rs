//! The `pushdoctor` command: the library's `run` with this process's
//! arguments and standard streams, after checking that standard output is
//! really open.

use std::io::{self, Write};
use std::process::ExitCode;

fn main() -> ExitCode {
    if !standard_output_is_open() {
        let _ = writeln!(
            io::stderr(),
            "pushdoctor: error: standard output is closed: what this command prints would be lost"
        );
        return ExitCode::from(pushdoctor_cli::exit::OUTPUT_FAILED);
    }
    let code = pushdoctor_cli::run(
        std::env::args_os(),
        &mut io::stdin().lock(),
        &mut io::stdout().lock(),
        &mut io::stderr().lock(),
    );
    ExitCode::from(code)
}

/// Whether descriptor 1 was open when the process started. Rust's runtime
/// gives a closed standard descriptor `/dev/null` before `main` (so that no
/// file opened later takes its number), and every write to it then
/// succeeds into nothing: `pushdoctor redact f >&-` would exit 0 having
/// written nothing. What it leaves is recognisable: `/dev/null` opened for
/// reading and writing, where a shell's `>/dev/null` opens it for writing
/// only.
// fcntl is libc's, so calling it is unsafe; std cannot ask a descriptor
// for its access mode without opening something, which is what this must
// not do. The call only reads descriptor 1's flags.
#[cfg(unix)]
#[allow(unsafe_code)]
fn standard_output_is_open() -> bool {
    use std::os::unix::fs::{FileTypeExt, MetadataExt};
    let mode = unsafe { libc::fcntl(1, libc::F_GETFL) };
    if mode == -1 {
        return false;
    }
    if mode & libc::O_ACCMODE != libc::O_RDWR {
        return true;
    }
    let null = std::fs::metadata("/dev/null");
    let stdout = std::fs::metadata("/proc/self/fd/1").or_else(|_| std::fs::metadata("/dev/fd/1"));
    match (null, stdout) {
        (Ok(null), Ok(stdout)) => {
            !(stdout.file_type().is_char_device() && stdout.rdev() == null.rdev())
        }
        _ => true,
    }
}

#[cfg(not(unix))]
fn standard_output_is_open() -> bool {
    true
}
