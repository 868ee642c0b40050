//! Ad-hoc, not committed.
use std::path::Path;
#[test]
fn sweep() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/corpus");
    let exp: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(dir.join("EXPECTED.json")).unwrap()).unwrap();
    let mut n = 0;
    for entry in walkdir::WalkDir::new(&dir).sort_by_file_name() {
        let entry = entry.unwrap();
        if !entry.file_type().is_file() {
            continue;
        }
        let p = entry.path();
        let bytes = std::fs::read(p).unwrap();
        let head = String::from_utf8_lossy(&bytes[..bytes.len().min(200)])
            .trim_start_matches('\u{feff}')
            .trim_start()
            .to_string();
        let is_xml = p.extension().is_some_and(|e| e == "xml") || head.starts_with('<');
        if !is_xml {
            continue;
        }
        n += 1;
        let rel = p.strip_prefix(&dir).unwrap().to_string_lossy().to_string();
        let part = if exp["files"].get(&rel).is_some() {
            "FILE"
        } else if exp["reject"].get(&rel).is_some() {
            "REJECT"
        } else {
            "NEITHER"
        };
        let t = std::time::Instant::now();
        let r = std::panic::catch_unwind(|| gate_core::evidence::read_file(p, &rel));
        let el = t.elapsed();
        let out = match r {
            Err(_) => "PANIC".to_string(),
            Ok(Ok(Ok(ev))) => format!(
                "ok {} {:?} producer={} diags={} mism={:?}",
                ev.info.kind,
                ev.facts.test_report.as_ref().map(|r| r.summary),
                ev.info.producer.name,
                ev.diagnostics.len(),
                ev.facts.test_report.as_ref().map(|r| r
                    .mismatches
                    .iter()
                    .map(|m| (
                        m.claimed_failures,
                        m.claimed_errors,
                        m.found_failures,
                        m.found_errors
                    ))
                    .collect::<Vec<_>>())
            ),
            Ok(Ok(Err(reason))) => format!("unknown: {reason}"),
            Ok(Err(e)) => format!("ERR {e}"),
        };
        println!("{part}\t{rel}\t{:?}\t{out}", el);
    }
    println!("{n} xml files");
}
#[test]
fn timing() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/corpus");
    for rel in [
        "junit/generated/pytest-8.3.4_packaging-24.2.xml",
        "junit/jenkins-junit-plugin/src/test/resources/hudson/tasks/junit/junit-report-huge.xml",
        "junit/dorny-test-reporter/__tests__/fixtures/external/jest/jest-test-results.xml",
    ] {
        let text = std::fs::read_to_string(dir.join(rel)).unwrap();
        for _ in 0..3 {
            let t = std::time::Instant::now();
            let root = gate_core::evidence::xml::root_element(&text).unwrap();
            let t1 = t.elapsed();
            let t = std::time::Instant::now();
            let p = gate_core::evidence::junit::read(rel, &text).unwrap();
            let t2 = t.elapsed();
            println!("TIMING {rel} {} bytes {} cases root={root:?} root_element={t1:?} junit::read={t2:?}", text.len(), p.facts.tests.len());
        }
    }
}
#[test]
fn timing_synth() {
    let mut doc = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites name=\"x\" tests=\"20000\">\n<testsuite name=\"big\" tests=\"20000\" failures=\"0\">\n");
    for i in 0..20_000 {
        doc.push_str(&format!("  <testcase classname=\"com.example.pkg.Class{}\" name=\"test_{i}\" time=\"0.001\"/>\n", i % 50));
    }
    doc.push_str("</testsuite></testsuites>\n");
    let one = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../../shared/corpus/junit/generated/pytest-8.3.4_packaging-24.2.xml"),
    )
    .unwrap();
    for (label, doc) in [("synth", &doc), ("packaging", &one)] {
        let (mut a, mut b, mut c) = (
            std::time::Duration::MAX,
            std::time::Duration::MAX,
            std::time::Duration::MAX,
        );
        for _ in 0..30 {
            let t = std::time::Instant::now();
            let mut r = gate_core::evidence::xml::SafeReader::new(doc);
            loop {
                if let gate_core::evidence::xml::XmlEvent::Eof = r.next().unwrap() {
                    break;
                }
            }
            a = a.min(t.elapsed());
            let t = std::time::Instant::now();
            let mut qr = quick_xml::Reader::from_str(doc);
            loop {
                if let quick_xml::events::Event::Eof = qr.read_event().unwrap() {
                    break;
                }
            }
            b = b.min(t.elapsed());
            let t = std::time::Instant::now();
            let p = gate_core::evidence::junit::read("x", doc).unwrap();
            c = c.min(t.elapsed());
            std::hint::black_box(p);
        }
        println!(
            "TIMING {label} {} bytes: quick-xml-bare={b:?} safe-reader={a:?} junit::read={c:?}",
            doc.len()
        );
    }
}
