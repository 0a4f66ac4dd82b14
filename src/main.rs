//! The `factledger` command. All the work is in the library and in `cli`; this only runs it.
mod cli;

fn main() -> std::process::ExitCode {
    cli::main()
}
