//! Speed of the Word and HTML readers on a generated 1,000-task plan (or on the files given):
//! `cargo run --release --example word_read_bench [FILE.docx|FILE.html]...` (bench/word-read.sh).

use std::time::{Duration, Instant};

use actionplan::import::word::{WordDocument, read_docx, read_html};

#[path = "support/plan_docx.rs"]
mod plan_docx;

use plan_docx::{TASKS, plan_docx};
const RUNS: usize = 7;

/// The same plan as a portal page.
fn plan_html() -> String {
    let mut html = String::from(
        "<html><body><p><b>KẾ HOẠCH</b></p><table><tr><th>STT</th><th>Nội dung công việc</th><th>Đơn vị chủ trì</th><th>Đơn vị phối hợp</th><th>Thời gian hoàn thành</th><th>Sản phẩm</th></tr>",
    );
    for task in 0..TASKS {
        if task % 50 == 0 {
            html.push_str(&format!(
                "<tr><td colspan=6><b>Mục {}</b></td></tr>",
                task / 50 + 1
            ));
        }
        let lead = if task % 3 == 0 {
            format!("<td rowspan=3>Sở số {}</td>", task / 3)
        } else {
            String::new()
        };
        html.push_str(&format!(
            "<tr><td>{}</td><td>Triển khai nhiệm vụ số {task} về kết nối dữ liệu</td>{lead}<td>Các sở, ban, ngành</td><td>Quý {}/2026</td><td>Báo cáo {task}</td></tr>",
            task + 1,
            task % 4 + 1
        ));
    }
    html.push_str("</table></body></html>");
    html
}

/// Median time of `RUNS` calls.
fn median(mut call: impl FnMut()) -> Duration {
    let mut times: Vec<Duration> = (0..RUNS)
        .map(|_| {
            let start = Instant::now();
            call();
            start.elapsed()
        })
        .collect();
    times.sort();
    times[RUNS / 2]
}

fn report(name: &str, size: usize, read: impl Fn() -> WordDocument) {
    let doc = read();
    let rows: usize = doc.tables().map(|t| t.rows.len()).sum();
    let read_time = median(|| {
        read();
    });
    let grid_time = median(|| {
        for table in doc.tables() {
            std::hint::black_box(table.grid());
        }
    });
    eprintln!(
        "{name}: {} KB, {} blocks, {rows} table rows; read {:.1} ms, grid {:.1} ms (median of {RUNS})",
        size / 1024,
        doc.blocks.len(),
        read_time.as_secs_f64() * 1000.0,
        grid_time.as_secs_f64() * 1000.0
    );
}

fn main() {
    let files: Vec<String> = std::env::args().skip(1).collect();
    if files.is_empty() {
        let docx = plan_docx();
        report("generated 1,000-task .docx", docx.len(), || {
            read_docx(&docx).expect("reads")
        });
        let html = plan_html();
        report("generated 1,000-task .html", html.len(), || {
            read_html(&html).expect("reads")
        });
        return;
    }
    for file in files {
        let bytes = std::fs::read(&file).expect("the file reads");
        if file.ends_with(".docx") {
            report(&file, bytes.len(), || read_docx(&bytes).expect("reads"));
        } else {
            let text = String::from_utf8_lossy(&bytes);
            report(&file, bytes.len(), || read_html(&text).expect("reads"));
        }
    }
}
