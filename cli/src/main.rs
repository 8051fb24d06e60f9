use std::io;
use std::process::ExitCode;

fn main() -> ExitCode {
    let code = pushdoctor_cli::run(
        std::env::args_os(),
        &mut io::stdin().lock(),
        &mut io::stdout().lock(),
        &mut io::stderr().lock(),
    );
    ExitCode::from(code)
}
