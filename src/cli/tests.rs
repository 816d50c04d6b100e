use super::*;
use clap::CommandFactory;

#[test]
fn every_flag_and_argument_has_help() {
    fn walk(cmd: &clap::Command, path: &str, missing: &mut Vec<String>) {
        for a in cmd.get_arguments() {
            let id = a.get_id().as_str();
            if matches!(id, "help" | "version") {
                continue;
            }
            if a.get_help().is_none() && a.get_long_help().is_none() {
                missing.push(format!("{path} {id}"));
            }
        }
        for sub in cmd.get_subcommands() {
            walk(sub, &format!("{path} {}", sub.get_name()), missing);
        }
    }
    let mut missing = Vec::new();
    walk(&Cli::command(), "warroom", &mut missing);
    assert!(missing.is_empty(), "no help: {missing:?}");
}

#[test]
fn listen_takes_the_forms_people_type() {
    let p = |s| parse_listen(s).unwrap().to_string();
    assert_eq!(p("127.0.0.1"), "127.0.0.1:7878");
    assert_eq!(p("0.0.0.0:9000"), "0.0.0.0:9000");
    assert_eq!(p(":8080"), "127.0.0.1:8080");
    assert_eq!(p("localhost"), "127.0.0.1:7878");
    assert_eq!(p("localhost:7803"), "127.0.0.1:7803");
    assert_eq!(p("::1"), "[::1]:7878");
    assert_eq!(p("[::1]:80"), "[::1]:80");
    assert!(parse_listen("example.com:80").is_err());
    assert!(parse_listen(":99999").is_err());
}

#[test]
fn silence_durations() {
    assert_eq!(parse_silence("30m"), Ok(30));
    assert_eq!(parse_silence("2h"), Ok(120));
    assert_eq!(parse_silence("45"), Ok(45));
    assert!(parse_silence("8d").is_err());
    assert!(parse_silence("0m").is_err());
}
