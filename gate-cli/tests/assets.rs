//! The install and CI assets, checked for what their consumers require: `action.yml` (a composite
//! GitHub Action), `ci/gate.gitlab-ci.yml` (a GitLab CI template), `.pre-commit-hooks.yaml`, the
//! `Dockerfile`, and the snippets of docs/ci.md. The action's and template's scripts are run with
//! bash and the built `gate`, as the runner would run them. `.ci/run` also validates the YAML
//! against the published GitHub Actions, GitLab CI and pre-commit schemas and lints the
//! Dockerfile (ci/check-assets.sh).

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

mod common;

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;
use std::process::Command;

use yaml_serde::Value;

fn read(path: &str) -> String {
    fs_err::read_to_string(common::root().join(path)).unwrap()
}

fn yaml(path: &str) -> Value {
    yaml_serde::from_str(&read(path)).unwrap_or_else(|e| panic!("{path}: {e}"))
}

fn str_of<'a>(v: &'a Value, key: &str) -> Option<&'a str> {
    v.get(key).and_then(Value::as_str)
}

fn strings(v: Option<&Value>) -> Vec<String> {
    v.and_then(Value::as_sequence)
        .map(|s| s.iter().map(|x| x.as_str().unwrap().to_owned()).collect())
        .unwrap_or_default()
}

// ---------------------------------------------------------------------------------------------
// action.yml

/// The inputs `action.yml` declares, with their defaults.
fn action_inputs(action: &Value) -> BTreeMap<String, Option<String>> {
    action["inputs"]
        .as_mapping()
        .unwrap()
        .iter()
        .map(|(k, v)| {
            (
                k.as_str().unwrap().to_owned(),
                str_of(v, "default").map(str::to_owned),
            )
        })
        .collect()
}

/// What GitHub requires of an action's metadata, and what keeps a composite action honest: every
/// step runs a script with a `shell` or uses an action, every input is described and used, and
/// nothing refers to an input that is not declared.
#[test]
fn action_is_a_composite_action_github_can_run() {
    let text = read("action.yml");
    let action = yaml("action.yml");
    assert!(!str_of(&action, "name").unwrap().is_empty());
    assert!(!str_of(&action, "description").unwrap().is_empty());
    assert_eq!(str_of(&action["runs"], "using"), Some("composite"));
    let steps = action["runs"]["steps"].as_sequence().unwrap();
    assert!(steps.len() >= 3, "install, check, verdict");
    for step in steps {
        let name = str_of(step, "name").unwrap_or("(unnamed)");
        match (step.get("run"), step.get("uses")) {
            (Some(_), None) => assert!(
                str_of(step, "shell").is_some(),
                "step `{name}`: a composite action's `run` step needs `shell`"
            ),
            (None, Some(uses)) => assert!(
                uses.as_str().unwrap().contains('@'),
                "step `{name}`: pin the action it uses"
            ),
            _ => panic!("step `{name}`: needs exactly one of `run` and `uses`"),
        }
    }
    let inputs = action_inputs(&action);
    for (name, input) in action["inputs"].as_mapping().unwrap() {
        let name = name.as_str().unwrap();
        assert!(
            str_of(input, "description").is_some_and(|d| !d.is_empty()),
            "input `{name}` has no description"
        );
        if input.get("required").and_then(Value::as_bool) == Some(true) {
            assert!(
                input.get("default").is_none(),
                "required `{name}` has a default"
            );
        }
    }
    let used: BTreeSet<String> = regex::Regex::new(r"inputs\.([A-Za-z0-9_-]+)")
        .unwrap()
        .captures_iter(&text)
        .map(|c| c[1].to_owned())
        .collect();
    let declared: BTreeSet<String> = inputs.keys().cloned().collect();
    assert_eq!(used, declared, "inputs used vs declared");
    for (name, output) in action["outputs"].as_mapping().unwrap() {
        assert!(
            str_of(output, "value").is_some_and(|v| v.contains("steps.")),
            "output {name:?} needs a `value` from a step"
        );
    }
    // The SARIF upload is GitHub's own action, and optional.
    let upload = steps
        .iter()
        .find(|s| {
            str_of(s, "uses").is_some_and(|u| u.starts_with("github/codeql-action/upload-sarif@"))
        })
        .expect("an upload-sarif step");
    assert!(str_of(upload, "if")
        .unwrap()
        .contains("inputs.sarif-upload == 'true'"));
}

/// The step of `action.yml` named `name`.
fn action_step<'a>(action: &'a Value, name: &str) -> &'a Value {
    action["runs"]["steps"]
        .as_sequence()
        .unwrap()
        .iter()
        .find(|s| str_of(s, "name") == Some(name))
        .unwrap_or_else(|| panic!("no step `{name}`"))
}

/// Run a `run` step of `action.yml` with bash as the runner would: its `env:` with each
/// `${{ inputs.X }}` replaced by `inputs[X]` or the input's default, `GITHUB_OUTPUT` and
/// `RUNNER_TEMP` in `dir`, the built `gate` on `PATH`, in the repository's root. Returns the exit
/// code, stdout, and what the step wrote to `GITHUB_OUTPUT`.
fn run_action_step(
    name: &str,
    inputs: &[(&str, &str)],
    extra_env: &[(&str, &str)],
    dir: &Path,
) -> (i32, String, String) {
    let action = yaml("action.yml");
    let defaults = action_inputs(&action);
    let step = action_step(&action, name);
    let expression = regex::Regex::new(r"\$\{\{\s*([^}]*?)\s*\}\}").unwrap();
    // As the runner runs `shell: bash`: the script in a file, `bash --noprofile --norc -eo
    // pipefail FILE`.
    let script = dir.join(format!("{}.sh", name.replace(' ', "-")));
    fs_err::write(&script, str_of(step, "run").unwrap()).unwrap();
    let mut cmd = Command::new("bash");
    cmd.args(["--noprofile", "--norc", "-eo", "pipefail"])
        .arg(&script);
    for (key, value) in step
        .get("env")
        .and_then(Value::as_mapping)
        .into_iter()
        .flatten()
    {
        let value = value.as_str().unwrap();
        let value = expression.replace_all(value, |c: &regex::Captures<'_>| {
            let input = c[1]
                .strip_prefix("inputs.")
                .unwrap_or_else(|| panic!("step `{name}`: no stand-in for `{}`", &c[1]));
            inputs
                .iter()
                .find(|(k, _)| *k == input)
                .map(|(_, v)| (*v).to_owned())
                .or_else(|| defaults[input].clone())
                .unwrap_or_default()
        });
        cmd.env(key.as_str().unwrap(), value.as_ref());
    }
    let output_file = dir.join("github-output");
    fs_err::write(&output_file, "").unwrap();
    let bin = Path::new(env!("CARGO_BIN_EXE_gate")).parent().unwrap();
    let path = std::env::join_paths(std::iter::once(bin.to_path_buf()).chain(
        std::env::split_paths(&std::env::var_os("PATH").unwrap_or_default()),
    ))
    .unwrap();
    cmd.env("PATH", path)
        .env("GITHUB_OUTPUT", &output_file)
        .env("RUNNER_TEMP", dir)
        .env("NO_COLOR", "1")
        .env_remove("GITHUB_STEP_SUMMARY")
        .envs(extra_env.iter().copied())
        .current_dir(common::root());
    let out = cmd.output().unwrap();
    (
        out.status.code().unwrap(),
        common::stdout(&out),
        fs_err::read_to_string(&output_file).unwrap(),
    )
}

/// The action's `gate check` step on the demo evidence: gate denies (the demo's failing test),
/// the step itself succeeds so that the SARIF upload can follow, records the exit code, and
/// writes the report the `outputs` input asks for; then the verdict step fails the job.
#[test]
fn action_check_step_runs_gate_and_hands_its_exit_code_on() {
    let dir = tempfile::tempdir().unwrap();
    let report = dir.path().join("report.json");
    let outputs = format!("json={}", report.display());
    let (code, stdout, github_output) = run_action_step(
        "gate check",
        &[
            (
                "paths",
                "fixtures/demo/pytest-junit.xml fixtures/demo/sbom.cdx.json",
            ),
            ("outputs", &outputs),
            ("annotations", "false"),
            ("args", "--now 2026-11-28T12:00:00Z --fail-on deny"),
        ],
        &[],
        dir.path(),
    );
    assert_eq!(
        code, 0,
        "the check step records gate's code and goes on:\n{stdout}"
    );
    assert_eq!(github_output, "exit-code=1\n");
    assert!(
        stdout.contains(
            "gate check fixtures/demo/pytest-junit.xml fixtures/demo/sbom.cdx.json -o json="
        ),
        "{stdout}"
    );
    assert!(stdout.contains("gate: FAIL: 1 denied"), "{stdout}");
    let json: serde_json::Value =
        serde_json::from_str(&fs_err::read_to_string(&report).unwrap()).unwrap();
    assert_eq!(json["verdict"], "fail");
    assert_eq!(json["evidence"].as_array().unwrap().len(), 2);

    for (exit, want, says) in [
        ("0", 0, "gate: pass"),
        (
            "1",
            1,
            "::error title=gate::gate denied the release (exit 1)",
        ),
        (
            "2",
            2,
            "::error title=gate::gate could not evaluate the evidence (exit 2)",
        ),
    ] {
        let action = yaml("action.yml");
        let verdict = action_step(&action, "Verdict");
        let script = str_of(verdict, "run").unwrap();
        let out = Command::new("bash")
            .args(["--noprofile", "--norc", "-eo", "pipefail", "-c"])
            .arg(script)
            .env("GATE_EXIT", exit)
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(want), "exit {exit}");
        assert!(
            common::stdout(&out).contains(says),
            "exit {exit}: {}",
            common::stdout(&out)
        );
    }
}

/// An input that is not gate's (a typo in `args`) makes gate exit 2, and the step hands that on.
#[test]
fn action_check_step_hands_on_exit_2() {
    let dir = tempfile::tempdir().unwrap();
    let (code, _, github_output) = run_action_step(
        "gate check",
        &[
            ("paths", "fixtures/demo"),
            ("outputs", ""),
            ("annotations", "false"),
            ("policies", "no/such/policies"),
        ],
        &[],
        dir.path(),
    );
    assert_eq!(code, 0);
    assert_eq!(github_output, "exit-code=2\n");
}

/// With the outputs of issue 11 (`github`, `sarif`), the action annotates the run and writes the
/// SARIF it uploads.
#[test]
fn action_annotates_and_writes_sarif() {
    let dir = tempfile::tempdir().unwrap();
    let sarif = dir.path().join("gate.sarif");
    let sarif = sarif.to_str().unwrap();
    let (code, stdout, github_output) = run_action_step(
        "gate check",
        &[
            ("paths", "fixtures/demo"),
            ("outputs", ""),
            ("sarif-upload", "true"),
            ("sarif-file", sarif),
            ("args", "--now 2026-11-28T12:00:00Z"),
        ],
        &[],
        dir.path(),
    );
    assert_eq!(code, 0, "{stdout}");
    assert_eq!(github_output, "exit-code=1\n");
    assert!(
        stdout.lines().any(|l| l.starts_with("::error ")),
        "{stdout}"
    );
    let sarif: serde_json::Value =
        serde_json::from_str(&fs_err::read_to_string(sarif).unwrap()).unwrap();
    assert_eq!(sarif["version"], "2.1.0");
}

// ---------------------------------------------------------------------------------------------
// ci/gate.gitlab-ci.yml

const GITLAB_TEMPLATE: &str = "ci/gate.gitlab-ci.yml";

/// The paths a `gate check` command line writes with `-o FORMAT=PATH`, by format.
fn outputs_of(script: &str) -> BTreeMap<String, String> {
    regex::Regex::new(r"-o\s+([a-z]+)=(\S+)")
        .unwrap()
        .captures_iter(script)
        .map(|c| (c[1].to_owned(), c[2].to_owned()))
        .collect()
}

/// Check a GitLab CI document: every job's stage is declared, it has an image and a script, and
/// the reports it hands GitLab are the files its `gate check` writes. Returns the jobs checked.
fn check_gitlab(doc: &Value, what: &str) -> usize {
    let stages = strings(doc.get("stages"));
    let mut jobs = 0;
    for (name, job) in doc.as_mapping().unwrap() {
        let name = name.as_str().unwrap();
        let Some(stage) = str_of(job, "stage") else {
            continue;
        };
        jobs += 1;
        if !stages.is_empty() {
            assert!(
                stages.iter().any(|s| s == stage),
                "{what}: job `{name}`: stage `{stage}` not in `stages:`"
            );
        }
        assert!(
            job.get("image").is_some(),
            "{what}: job `{name}` names no image"
        );
        let script = strings(job.get("script")).join("\n");
        assert!(!script.is_empty(), "{what}: job `{name}` has no script");
        let Some(reports) = job.get("artifacts").and_then(|a| a.get("reports")) else {
            continue;
        };
        assert_eq!(
            str_of(&job["artifacts"], "when"),
            Some("always"),
            "{what}: `{name}` keeps reports on failure"
        );
        let outputs = outputs_of(&script);
        for (key, format) in [("codequality", "gitlab"), ("junit", "junit")] {
            let file = str_of(reports, key)
                .unwrap_or_else(|| panic!("{what}: `{name}` has no reports:{key}"));
            assert_eq!(
                outputs.get(format).map(String::as_str),
                Some(file),
                "{what}: `{name}`: reports:{key} is what `-o {format}=` writes"
            );
        }
    }
    jobs
}

#[test]
fn gitlab_template_declares_its_stage_image_and_reports() {
    let doc = yaml(GITLAB_TEMPLATE);
    assert_eq!(check_gitlab(&doc, GITLAB_TEMPLATE), 1);
    let job = &doc["gate"];
    assert!(
        str_of(job, "image").unwrap().starts_with("rust:"),
        "cargo installs gate"
    );
    let install = strings(job.get("before_script")).join("\n");
    assert!(install.contains("cargo install --locked"), "{install}");
    assert!(install.contains("gate-cli"), "{install}");
    // Every variable the job uses is given a default.
    let vars: BTreeSet<String> = doc["variables"]
        .as_mapping()
        .unwrap()
        .keys()
        .map(|k| k.as_str().unwrap().to_owned())
        .collect();
    let text = read(GITLAB_TEMPLATE);
    for used in regex::Regex::new(r"\$\{?(GATE_[A-Z_]+)")
        .unwrap()
        .captures_iter(&text)
    {
        assert!(
            vars.contains(&used[1]),
            "`{}` has no default in `variables:`",
            &used[1]
        );
    }
}

/// The template's script, run by a shell with its variables in the environment as GitLab's
/// runner does, writes both reports GitLab reads.
#[test]
fn gitlab_template_script_writes_the_reports() {
    let doc = yaml(GITLAB_TEMPLATE);
    let dir = tempfile::tempdir().unwrap();
    let script = strings(doc["gate"].get("script")).join("\n");
    let bin = Path::new(env!("CARGO_BIN_EXE_gate")).parent().unwrap();
    let evidence = common::root().join("fixtures/demo");
    let out = Command::new("sh")
        .arg("-c")
        .arg(&script)
        .env("PATH", format!("{}:/usr/bin:/bin", bin.display()))
        .env("GATE_EVIDENCE", &evidence)
        .env("GATE_ARGS", "--now 2026-11-28T12:00:00Z")
        .env("NO_COLOR", "1")
        .current_dir(dir.path())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1), "{}", common::stderr(&out));
    let reports = &doc["gate"]["artifacts"]["reports"];
    let quality: serde_json::Value = serde_json::from_str(
        &fs_err::read_to_string(dir.path().join(str_of(reports, "codequality").unwrap())).unwrap(),
    )
    .unwrap();
    assert!(quality.as_array().is_some_and(|a| !a.is_empty()));
    let junit = fs_err::read_to_string(dir.path().join(str_of(reports, "junit").unwrap())).unwrap();
    assert!(junit.contains("<testsuite"), "{junit}");
}

// ---------------------------------------------------------------------------------------------
// .pre-commit-hooks.yaml

/// What pre-commit requires of a hook (`id`, `name`, `entry`, `language`), and that each entry is
/// a gate command: the `system` hooks' `gate …` runs (`--help`), the `docker` hooks' `/gate …`
/// is the binary the Dockerfile's default image holds.
#[test]
fn pre_commit_hooks_name_real_gate_commands() {
    let hooks = yaml(".pre-commit-hooks.yaml");
    let hooks = hooks.as_sequence().unwrap();
    let mut ids = BTreeSet::new();
    for hook in hooks {
        let id = str_of(hook, "id").unwrap();
        assert!(ids.insert(id), "hook id `{id}` twice");
        for key in ["name", "entry", "language"] {
            assert!(
                str_of(hook, key).is_some_and(|v| !v.is_empty()),
                "{id}: no `{key}`"
            );
        }
        assert_eq!(
            hook.get("pass_filenames").and_then(Value::as_bool),
            Some(false),
            "{id}: gate takes folders, not the staged files"
        );
        let entry: Vec<&str> = str_of(hook, "entry").unwrap().split_whitespace().collect();
        match str_of(hook, "language").unwrap() {
            "system" => {
                assert_eq!(entry[0], "gate", "{id}");
                let mut args = entry[1..].to_vec();
                args.push("--help");
                let out = common::gate(&args);
                assert_eq!(out.status.code(), Some(0), "{id}: {}", common::stderr(&out));
            }
            "docker" => {
                assert_eq!(entry[0], "/gate", "{id}: the default image's binary");
                assert!(dockerfile()
                    .last()
                    .unwrap()
                    .iter()
                    .any(|i| i == "COPY --from=build /gate /gate"));
            }
            other => panic!("{id}: language `{other}`"),
        }
    }
    assert!(
        ids.contains("gate-check") && ids.contains("gate-test"),
        "{ids:?}"
    );
}

// ---------------------------------------------------------------------------------------------
// Dockerfile

/// The Dockerfile's instructions (continuation lines joined, comments dropped), by stage.
fn dockerfile() -> Vec<Vec<String>> {
    let text = read("Dockerfile");
    let mut stages: Vec<Vec<String>> = Vec::new();
    let mut current = String::new();
    for line in text.lines() {
        let trimmed = line.trim();
        if trimmed.starts_with('#') || (trimmed.is_empty() && current.is_empty()) {
            continue;
        }
        if let Some(rest) = trimmed.strip_suffix('\\') {
            current.push_str(rest.trim_end());
            current.push(' ');
            continue;
        }
        current.push_str(trimmed);
        let instruction = std::mem::take(&mut current);
        if instruction.starts_with("FROM ") {
            stages.push(Vec::new());
        }
        stages.last_mut().expect("FROM first").push(instruction);
    }
    stages
}

/// A multi-stage build: the `build` stage compiles the locked workspace in release mode for
/// musl (Alpine's Rust), the default (last) image is `FROM scratch` with the static binary
/// alone, unprivileged, and the `ci` image adds a shell.
#[test]
fn dockerfile_builds_a_static_binary_into_a_scratch_image() {
    let stages = dockerfile();
    let from = |s: &Vec<String>| s[0].clone();
    let build = stages
        .iter()
        .find(|s| from(s).ends_with(" AS build"))
        .expect("a build stage");
    assert!(
        from(build).starts_with("FROM rust:") && from(build).contains("-alpine"),
        "{}",
        from(build)
    );
    assert!(
        build
            .iter()
            .any(|i| i.starts_with("RUN cargo build --release --locked -p gate-cli")),
        "{build:?}"
    );
    assert!(build.iter().any(|i| i == "COPY . ."));
    let last = stages.last().unwrap();
    assert_eq!(from(last), "FROM scratch AS gate");
    assert!(last.contains(&"COPY --from=build /gate /gate".to_owned()));
    assert!(
        last.contains(&r#"ENTRYPOINT ["/gate"]"#.to_owned()),
        "exec form: no shell in scratch"
    );
    let user = last
        .iter()
        .find(|i| i.starts_with("USER "))
        .expect("a USER");
    assert!(!user.contains(" 0") && !user.contains("root"), "{user}");
    let ci = stages
        .iter()
        .find(|s| from(s).ends_with(" AS ci"))
        .expect("a ci stage");
    assert!(
        from(ci).starts_with("FROM alpine:"),
        "a shell for CI scripts"
    );
    assert!(ci.contains(&"COPY --from=build /gate /usr/local/bin/gate".to_owned()));
    // Every image tag is pinned to a version, not `latest`.
    for s in &stages {
        let image = from(s).split_whitespace().nth(1).unwrap().to_owned();
        assert!(
            image == "scratch" || (image.contains(':') && !image.ends_with(":latest")),
            "{image}"
        );
    }
    // The build context leaves out build output.
    let ignore = read(".dockerignore");
    assert!(ignore.lines().any(|l| l.trim() == "target/"), "{ignore}");
}

// ---------------------------------------------------------------------------------------------
// docs/ci.md

/// The fenced code blocks of a Markdown text with the given info string.
fn fenced<'a>(text: &'a str, lang: &str) -> Vec<&'a str> {
    let mut blocks = Vec::new();
    let mut rest = text;
    let open = format!("```{lang}\n");
    while let Some(start) = rest.find(&open) {
        let body = &rest[start + open.len()..];
        let end = body.find("```\n").expect("a closed block");
        blocks.push(&body[..end]);
        rest = &body[end + 4..];
    }
    blocks
}

/// Every YAML snippet of docs/ci.md parses and is checked as what it is: the GitLab template is
/// shown exactly as shipped; a workflow's use of the action passes only inputs the action
/// declares, and all it requires; a GitLab pipeline declares its stages and reports; a
/// pre-commit configuration names hooks this repository offers.
#[test]
fn docs_ci_snippets_match_the_shipped_assets() {
    let docs = read("docs/ci.md");
    let blocks = fenced(&docs, "yaml");
    assert!(blocks.len() >= 6, "{} YAML blocks", blocks.len());
    let template = read(GITLAB_TEMPLATE);
    assert!(
        blocks.contains(&template.as_str()),
        "docs/ci.md shows {GITLAB_TEMPLATE} as shipped"
    );

    let action = yaml("action.yml");
    let inputs = action_inputs(&action);
    let required: Vec<&String> = inputs
        .keys()
        .filter(|k| {
            action["inputs"][k.as_str()]
                .get("required")
                .and_then(Value::as_bool)
                == Some(true)
        })
        .collect();
    let hooks: BTreeSet<String> = yaml(".pre-commit-hooks.yaml")
        .as_sequence()
        .unwrap()
        .iter()
        .map(|h| str_of(h, "id").unwrap().to_owned())
        .collect();
    let (mut workflows, mut gitlab, mut precommit, mut steps) = (0, 0, 0, 0);
    for (i, block) in blocks.iter().enumerate() {
        let doc: Value = yaml_serde::from_str(block)
            .unwrap_or_else(|e| panic!("docs/ci.md YAML block {}: {e}\n{block}", i + 1));
        let what = format!("docs/ci.md YAML block {}", i + 1);
        if let Some(jobs) = doc.get("jobs") {
            workflows += 1;
            for job in jobs.as_mapping().unwrap().values() {
                assert!(job.get("runs-on").is_some(), "{what}: runs-on");
                for step in job["steps"].as_sequence().unwrap() {
                    if str_of(step, "uses").is_some_and(|u| u.starts_with("OWNER/gate@")) {
                        let with = step["with"].as_mapping().unwrap();
                        for key in with.keys() {
                            assert!(
                                inputs.contains_key(key.as_str().unwrap()),
                                "{what}: `{}` is no input of action.yml",
                                key.as_str().unwrap()
                            );
                        }
                        for r in &required {
                            assert!(
                                with.contains_key(r.as_str()),
                                "{what}: required input `{r}` missing"
                            );
                        }
                    }
                }
            }
        } else if doc.get("repos").is_some() {
            precommit += 1;
            for repo in doc["repos"].as_sequence().unwrap() {
                for hook in repo["hooks"].as_sequence().unwrap() {
                    let id = str_of(hook, "id").unwrap();
                    assert!(
                        hooks.contains(id),
                        "{what}: no hook `{id}` in .pre-commit-hooks.yaml"
                    );
                }
            }
        } else if let Some(list) = doc.as_sequence() {
            // Workflow steps shown alone.
            steps += 1;
            for step in list {
                assert!(
                    step.get("run").is_some() || step.get("uses").is_some(),
                    "{what}: {step:?}"
                );
            }
        } else {
            let jobs = check_gitlab(&doc, &what);
            assert!(
                jobs > 0 || doc.get("include").is_some(),
                "{what}: what is it?"
            );
            gitlab += 1;
        }
    }
    assert!(
        workflows >= 1 && gitlab >= 3 && precommit >= 1 && steps >= 1,
        "{workflows} {gitlab} {precommit} {steps}"
    );

    // The action's inputs table lists every input.
    for name in inputs.keys() {
        assert!(
            docs.contains(&format!("`{name}`")),
            "docs/ci.md does not document input `{name}`"
        );
    }
    // The install commands name the real package.
    let sh = fenced(&docs, "sh").join("\n");
    assert!(sh.contains("cargo install --locked --path gate-cli"));
    assert!(sh.contains("cargo install --locked --git"));
}
