//! Building the data set in memory as COPY rows: the unit registry (own units of each issuer,
//! units of other bodies, groups with members), decisions with sections, tasks with their
//! links, deadlines, states, milestones and history.

use std::collections::HashSet;

use chrono::{Datelike, Days, Months, NaiveDate};
use sha2::{Digest, Sha256};

use super::rng::Rng;
use super::vocab::{self, GROUPS, MINISTRIES, MINISTRY_UNITS, PROVINCE_UNITS, PROVINCES, SECTIONS};
use super::{CopyRows, Scale};
use crate::db::import::search_words;
use crate::domain::deadline::{DeadlineKind, parse_deadline};
use crate::domain::text::fold;

/// Every table's rows, ready for COPY.
pub struct Dataset {
    pub decisions: Vec<String>,
    pub sections: Vec<String>,
    pub units: Vec<String>,
    pub aliases: Vec<String>,
    pub members: Vec<String>,
    pub tasks: Vec<String>,
    /// Each task's folded text (`task_texts`).
    pub texts: Vec<String>,
    pub task_units: Vec<String>,
    pub milestones: Vec<String>,
    pub events: Vec<String>,
    pub groups: u64,
}

struct Issuer {
    name: String,
    code: &'static str,
    place: String,
    province: Option<&'static str>,
    own: Vec<usize>,
    groups: Vec<usize>,
}

struct Unit {
    id: i64,
    /// As a plan writes it: the name, with "-Parent" for another body's unit.
    written: String,
}

struct Registry {
    issuers: Vec<Issuer>,
    units: Vec<Unit>,
    externals: Vec<usize>,
    /// The member units (indexes) of each group, by the group's index.
    members: std::collections::HashMap<usize, Vec<usize>>,
    groups: u64,
}

/// Builds the whole data set.
pub fn build(scale: &Scale, today: NaiveDate) -> Dataset {
    let mut rng = Rng::new(scale.seed);
    let mut units = CopyRows::new();
    let mut aliases = CopyRows::new();
    let mut members = CopyRows::new();
    let registry = registry(&mut rng, scale, &mut units, &mut aliases, &mut members);
    let mut out = Tables::default();
    let counts = spread(&mut rng, scale.tasks, scale.decisions);
    let mut per_task_events = EventBudget::new(scale.events, scale.tasks);
    let mut codes = HashSet::new();
    let mut last_code: Vec<Option<String>> = vec![None; registry.issuers.len()];
    for (d, &task_count) in counts.iter().enumerate() {
        let issuer_index = d % registry.issuers.len();
        let decision = decision(
            &mut rng,
            &mut out,
            &registry.issuers[issuer_index],
            issuer_index,
            d,
            scale.decisions,
            &mut codes,
            last_code[issuer_index].take(),
        );
        last_code[issuer_index] = Some(decision.code.clone());
        for position in 0..task_count {
            let section = decision.section_of(position, task_count);
            let event_target = per_task_events.next(&mut rng);
            task(
                &mut rng,
                &mut out,
                &registry,
                &decision,
                section,
                position,
                event_target,
                today,
            );
        }
    }
    Dataset {
        decisions: out.decisions.finish(),
        sections: out.sections.finish(),
        units: units.finish(),
        aliases: aliases.finish(),
        members: members.finish(),
        tasks: out.tasks.finish(),
        texts: out.texts.finish(),
        task_units: out.task_units.finish(),
        milestones: out.milestones.finish(),
        events: out.events.finish(),
        groups: registry.groups,
    }
}

struct Tables {
    decisions: CopyRows,
    sections: CopyRows,
    tasks: CopyRows,
    texts: CopyRows,
    task_units: CopyRows,
    milestones: CopyRows,
    events: CopyRows,
    next_section: i64,
    next_task: i64,
    next_milestone: i64,
    next_event: i64,
}

impl Default for Tables {
    fn default() -> Self {
        Tables {
            decisions: CopyRows::new(),
            sections: CopyRows::new(),
            tasks: CopyRows::new(),
            texts: CopyRows::new(),
            task_units: CopyRows::new(),
            milestones: CopyRows::new(),
            events: CopyRows::new(),
            next_section: 1,
            next_task: 1,
            next_milestone: 1,
            next_event: 1,
        }
    }
}

fn registry(
    rng: &mut Rng,
    scale: &Scale,
    rows: &mut CopyRows,
    aliases: &mut CopyRows,
    members: &mut CopyRows,
) -> Registry {
    let pool = MINISTRIES.len() + PROVINCES.len();
    let wanted = (scale.decisions / 3)
        .max(scale.decisions.min(3))
        .clamp(1, pool);
    let mut issuers: Vec<Issuer> = Vec::with_capacity(wanted);
    // Ministries and provinces alternate until the ministries run out.
    let (mut m, mut p) = (0, 0);
    while issuers.len() < wanted {
        let take_ministry = m < MINISTRIES.len() && (m <= p || p >= PROVINCES.len());
        if take_ministry {
            let (name, code) = MINISTRIES[m];
            issuers.push(Issuer {
                name: name.to_owned(),
                code,
                place: "Hà Nội".to_owned(),
                province: None,
                own: Vec::new(),
                groups: Vec::new(),
            });
            m += 1;
        } else {
            let province = PROVINCES[p];
            let place = province
                .trim_start_matches("tỉnh ")
                .trim_start_matches("thành phố ");
            issuers.push(Issuer {
                name: format!("UBND {province}"),
                code: "UBND",
                place: place.to_owned(),
                province: Some(province),
                own: Vec::new(),
                groups: Vec::new(),
            });
            p += 1;
        }
    }
    let total = scale.units.max(wanted + 2);
    let groups = (total * 2 / 100).clamp(1, wanted * GROUPS.len());
    let externals = (total / 10).max(1);
    let own_total = total - groups - externals;
    let mut units: Vec<Unit> = Vec::with_capacity(total);
    let mut keys = HashSet::new();
    let mut add = |units: &mut Vec<Unit>,
                   name: String,
                   parent: Option<&str>,
                   body: Option<&str>,
                   is_group: bool| {
        let mut name = name;
        let mut n = 1;
        let key = loop {
            let key = match (parent, body) {
                (Some(parent), _) => format!("{}|{}", fold(&name), fold(parent)),
                (None, Some(body)) => format!("{}@{}", fold(&name), fold(body)),
                (None, None) => fold(&name),
            };
            if keys.insert(key.clone()) {
                break key;
            }
            n += 1;
            name = format!("{name} khu vực {n}");
        };
        let id = units.len() as i64 + 1;
        let written = match parent {
            Some(parent) => format!("{name}-{parent}"),
            None => name.clone(),
        };
        rows.raw(id)
            .text(&key)
            .text(&name)
            .opt(parent)
            .opt(body)
            .raw(is_group);
        rows.end();
        aliases.raw(id).text(&written);
        aliases.end();
        units.push(Unit { id, written });
        units.len() - 1
    };
    for k in 0..own_total {
        let i = k % issuers.len();
        let list = if issuers[i].province.is_some() {
            PROVINCE_UNITS
        } else {
            MINISTRY_UNITS
        };
        let nth = issuers[i].own.len();
        let name = if nth < list.len() {
            list[nth].to_owned()
        } else {
            format!(
                "{} khu vực {}",
                list[nth % list.len()],
                nth / list.len() + 1
            )
        };
        let body = issuers[i].name.clone();
        let index = add(&mut units, name, None, Some(&body), false);
        issuers[i].own.push(index);
    }
    let mut external = Vec::with_capacity(externals);
    for k in 0..externals {
        let (parent, name) = if k == 0 {
            (
                "Bộ Công an",
                "Cục Cảnh sát quản lý hành chính về trật tự xã hội",
            )
        } else {
            let (ministry, _) = MINISTRIES[k % MINISTRIES.len()];
            let name = MINISTRY_UNITS[(k / MINISTRIES.len() + k) % MINISTRY_UNITS.len()];
            (ministry, name)
        };
        external.push(add(&mut units, name.to_owned(), Some(parent), None, false));
    }
    let mut group_members = std::collections::HashMap::new();
    for g in 0..groups {
        let i = g % issuers.len();
        let (in_ministry, in_province) = GROUPS[(g / issuers.len()) % GROUPS.len()];
        let name = if issuers[i].province.is_some() {
            in_province
        } else {
            in_ministry
        };
        let body = issuers[i].name.clone();
        let index = add(&mut units, name.to_owned(), None, Some(&body), true);
        let own = &issuers[i].own;
        let size = rng.between(4, 12) as usize;
        let start = rng.below(own.len());
        let chosen: Vec<usize> = (0..size.min(own.len()))
            .map(|k| own[(start + k) % own.len()])
            .collect();
        for &member in &chosen {
            members.raw(units[index].id).raw(units[member].id);
            members.end();
        }
        group_members.insert(index, chosen);
        issuers[i].groups.push(index);
    }
    Registry {
        issuers,
        units,
        externals: external,
        members: group_members,
        groups: groups as u64,
    }
}

/// `total` split over `parts` with uneven weights, each part at least 1 when possible.
fn spread(rng: &mut Rng, total: usize, parts: usize) -> Vec<usize> {
    let parts = parts.max(1);
    let weights: Vec<f64> = (0..parts).map(|_| 0.3 + rng.unit().powi(2) * 2.0).collect();
    let sum: f64 = weights.iter().sum();
    let floor = usize::from(total >= parts);
    let spare = total - floor * parts;
    let mut counts: Vec<usize> = weights
        .iter()
        .map(|w| floor + (w / sum * spare as f64) as usize)
        .collect();
    let mut left = total - counts.iter().sum::<usize>();
    let mut k = 0;
    while left > 0 {
        counts[k % parts] += 1;
        left -= 1;
        k += 1;
    }
    counts
}

/// How many events each task gets: the total spread evenly, then shifted between neighbours so
/// counts vary while the sum stays.
struct EventBudget {
    base: usize,
    extra: usize,
    index: usize,
    carry: Option<usize>,
}

impl EventBudget {
    fn new(events: usize, tasks: usize) -> Self {
        let tasks = tasks.max(1);
        EventBudget {
            base: events / tasks,
            extra: events % tasks,
            index: 0,
            carry: None,
        }
    }

    fn next(&mut self, rng: &mut Rng) -> usize {
        let own = self.base + usize::from(self.index < self.extra);
        self.index += 1;
        if let Some(shift) = self.carry.take() {
            return own.saturating_sub(shift).max(1);
        }
        let shift = rng.below(own.saturating_sub(1).max(1));
        self.carry = Some(shift);
        own + shift
    }
}

struct Decision {
    id: i64,
    code: String,
    issuer: usize,
    issued: NaiveDate,
    source: String,
    /// (section id, code) of each section; empty for a plan without sections.
    sections: Vec<(i64, &'static str)>,
}

impl Decision {
    /// The section of the task at `position` of `count`: (section id, code, number within it).
    fn section_of(&self, position: usize, count: usize) -> Option<(i64, &'static str, usize)> {
        let len = self.sections.len();
        if len == 0 {
            return None;
        }
        let count = count.max(1);
        let k = position * len / count;
        let start = (k * count).div_ceil(len);
        let (id, code) = self.sections[k];
        Some((id, code, position + 1 - start))
    }
}

#[expect(clippy::too_many_arguments, reason = "one call site")]
fn decision(
    rng: &mut Rng,
    out: &mut Tables,
    issuer: &Issuer,
    issuer_index: usize,
    d: usize,
    total: usize,
    codes: &mut HashSet<String>,
    replaces: Option<String>,
) -> Decision {
    let id = d as i64 + 1;
    let year = 2022 + (d * 4 / total.max(1)).min(3) as i32;
    let issued = NaiveDate::from_ymd_opt(year, 1, 5)
        .and_then(|jan| jan.checked_add_days(Days::new(rng.below(355) as u64)))
        .unwrap_or_default();
    let (number, code) = loop {
        let number = rng.between(1, 3999);
        let code = format!("{number}/QĐ-{}", issuer.code);
        if codes.insert(code.clone()) {
            break (number, code);
        }
    };
    let signer_title = if issuer.province.is_some() {
        "TM. ỦY BAN NHÂN DÂN / KT. CHỦ TỊCH / PHÓ CHỦ TỊCH"
    } else {
        "KT. BỘ TRƯỞNG / THỨ TRƯỞNG"
    };
    let plan_title = format!(
        "Kế hoạch triển khai Quyết định số 06/QĐ-TTg ngày 06/01/2022 của Thủ tướng Chính phủ năm {year} của {}",
        issuer.name
    );
    let legal_bases = vec![
        "Căn cứ Quyết định số 06/QĐ-TTg ngày 06/01/2022 của Thủ tướng Chính phủ phê duyệt Đề án phát triển ứng dụng dữ liệu về dân cư, định danh và xác thực điện tử phục vụ chuyển đổi số quốc gia giai đoạn 2022 - 2025, tầm nhìn đến năm 2030".to_owned(),
        "Căn cứ Nghị định số 47/2020/NĐ-CP ngày 09/4/2020 của Chính phủ về quản lý, kết nối và chia sẻ dữ liệu số của cơ quan nhà nước".to_owned(),
        format!("Theo đề nghị của Thủ trưởng đơn vị đầu mối về chuyển đổi số của {}", issuer.name),
    ];
    let replaced: Vec<String> = replaces.filter(|_| rng.chance(0.3)).into_iter().collect();
    let recipients: Vec<String> = [
        "Như Điều 4",
        "Thủ tướng Chính phủ (để b/c)",
        "Bộ Công an (để p/h)",
        "Lưu: VT",
    ]
    .map(str::to_owned)
    .to_vec();
    let source = format!("sinh-du-lieu/{:04}.txt", d + 1);
    let sha: String = Sha256::digest(code.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    let row = &mut out.decisions;
    row.raw(id)
        .text(&code)
        .raw(number)
        .text("QĐ")
        .text(&issuer.name)
        .text(issuer.code)
        .text(&issuer.place)
        .date(Some(issued))
        .text(&vocab::person(rng))
        .text(signer_title)
        .text(&format!("Về việc ban hành {plan_title}"))
        .text(&plan_title.to_uppercase())
        .array(&legal_bases)
        .array(&replaced)
        .array(&recipients)
        .text(&source)
        .text(&sha);
    row.end();
    let mut sections = Vec::new();
    if rng.chance(0.7) {
        let count = rng.between(3, 5) as usize;
        for (k, title) in SECTIONS.iter().take(count).enumerate() {
            let section_id = out.next_section;
            out.next_section += 1;
            let code = vocab::roman(k + 1);
            out.sections
                .raw(section_id)
                .raw(id)
                .text(code)
                .text(title)
                .raw(k + 1);
            out.sections.end();
            sections.push((section_id, code));
        }
    }
    Decision {
        id,
        code,
        issuer: issuer_index,
        issued,
        source,
        sections,
    }
}

/// A unit named by a task, and through which group if expanded.
struct Link {
    unit: i64,
    written: Option<String>,
    via: Option<i64>,
}

fn links_for(
    rng: &mut Rng,
    registry: &Registry,
    issuer: &Issuer,
    lead: bool,
) -> (Vec<Link>, String) {
    let units = &registry.units;
    let mut named: Vec<usize> = Vec::new();
    let mut group: Option<usize> = None;
    if lead {
        if !issuer.groups.is_empty() && rng.chance(0.04) {
            group = Some(*rng.pick(&issuer.groups));
        } else {
            named.push(issuer.own[rng.skewed(issuer.own.len())]);
            if rng.chance(0.12) {
                named.push(*rng.pick(&issuer.own));
            }
        }
    } else {
        for _ in 0..rng.below(5) {
            if rng.chance(0.3) && !registry.externals.is_empty() {
                named.push(registry.externals[rng.skewed(registry.externals.len())]);
            } else {
                named.push(*rng.pick(&issuer.own));
            }
        }
        if !issuer.groups.is_empty() && rng.chance(0.05) {
            group = Some(*rng.pick(&issuer.groups));
        }
    }
    let mut seen = HashSet::new();
    named.retain(|u| seen.insert(*u));
    let mut links: Vec<Link> = Vec::new();
    let mut texts: Vec<&str> = Vec::new();
    for &u in &named {
        texts.push(&units[u].written);
        links.push(Link {
            unit: units[u].id,
            written: Some(units[u].written.clone()),
            via: None,
        });
    }
    if let Some(g) = group {
        let gid = units[g].id;
        texts.push(&units[g].written);
        links.push(Link {
            unit: gid,
            written: Some(units[g].written.clone()),
            via: None,
        });
        // The group's members see the task as their own; the list mirrors unit_group_members.
        for &m in registry.members.get(&g).into_iter().flatten() {
            if seen.insert(m) {
                links.push(Link {
                    unit: units[m].id,
                    written: None,
                    via: Some(gid),
                });
            }
        }
    }
    let text = texts.join(", ");
    (links, text)
}

/// The last day of `date`'s month.
fn month_end(date: NaiveDate) -> NaiveDate {
    date.with_day(1)
        .and_then(|first| first.checked_add_months(Months::new(1)))
        .and_then(|next| next.pred_opt())
        .unwrap_or(date)
}

fn add_days(date: NaiveDate, days: i64) -> NaiveDate {
    date.checked_add_signed(chrono::TimeDelta::days(days))
        .unwrap_or(date)
}

/// A day in [from, to] (from when the range is empty).
fn day_between(rng: &mut Rng, from: NaiveDate, to: NaiveDate) -> NaiveDate {
    add_days(from, rng.between(0, (to - from).num_days()))
}

/// One history entry before it gets its id: (day, minute of the day) orders them.
struct Event {
    day: NaiveDate,
    minute: u32,
    kind: &'static str,
    from: Option<&'static str>,
    to: Option<&'static str>,
    data: String,
    note: Option<String>,
    by_unit: bool,
}

fn state_data(completed: Option<NaiveDate>, proposed: Option<NaiveDate>) -> String {
    let date = |d: Option<NaiveDate>| d.map_or("null".to_owned(), |d| format!("\"{d}\""));
    format!(
        "{{\"completed_on\": {}, \"pending_confirmation\": {}, \"proposed_completed_on\": {}}}",
        date(completed),
        proposed.is_some(),
        date(proposed)
    )
}

/// Where a task stands today, and how it got there.
struct Outcome {
    state: &'static str,
    started: Option<NaiveDate>,
    completed: Option<NaiveDate>,
    proposed: Option<NaiveDate>,
}

/// The state of a task judged by `due`, with dates between `issued` and `yesterday`: most past-due
/// tasks completed (a quarter of those late), most future ones in progress.
fn outcome(
    rng: &mut Rng,
    issued: NaiveDate,
    due: Option<NaiveDate>,
    yesterday: NaiveDate,
) -> Outcome {
    let roll = rng.unit();
    let completed = match due {
        Some(due) if due < yesterday => {
            if roll < 0.52 {
                let from = add_days(due, -90).max(issued);
                Some(day_between(rng, from, due))
            } else if roll < 0.70 {
                Some(day_between(
                    rng,
                    add_days(due, 1),
                    add_days(due, 300).min(yesterday),
                ))
            } else {
                None
            }
        }
        Some(_) if roll < 0.25 => Some(day_between(rng, add_days(issued, 20), yesterday)),
        None if roll < 0.10 => Some(day_between(rng, add_days(issued, 30), yesterday)),
        _ => None,
    };
    let completed = completed.map(|d| d.clamp(issued, yesterday));
    let started = match completed {
        Some(done) => Some(day_between(rng, issued, done)),
        None if rng.chance(0.72) => Some(day_between(
            rng,
            issued,
            add_days(issued, 90).min(yesterday),
        )),
        None => None,
    };
    let proposed = match (completed, started) {
        (None, Some(start)) if rng.chance(0.04) => Some(day_between(rng, start, yesterday)),
        _ => None,
    };
    let state = match (completed, started) {
        (Some(_), _) => "completed",
        (None, Some(_)) => "in_progress",
        (None, None) => "not_started",
    };
    Outcome {
        state,
        started,
        completed,
        proposed,
    }
}

#[expect(
    clippy::too_many_arguments,
    reason = "one call site, all inputs of one task"
)]
fn task(
    rng: &mut Rng,
    out: &mut Tables,
    registry: &Registry,
    decision: &Decision,
    section: Option<(i64, &'static str, usize)>,
    position: usize,
    event_target: usize,
    today: NaiveDate,
) {
    let id = out.next_task;
    out.next_task += 1;
    let issuer = &registry.issuers[decision.issuer];
    let yesterday = add_days(today, -1);
    let issued = decision.issued.min(yesterday);
    let (number, reference) = match section {
        Some((_, code, n)) => (n.to_string(), format!("{code}.{n}")),
        None => ((position + 1).to_string(), (position + 1).to_string()),
    };
    let content = vocab::task_content(rng, issuer.province);
    let (leads, lead_text) = links_for(rng, registry, issuer, true);
    let (partners, partner_text) = links_for(rng, registry, issuer, false);
    let deadline_text = vocab::deadline_text(rng, issued, &issuer.name);
    let deadline = parse_deadline(&deadline_text);
    let deliverable = vocab::deliverable(rng, issued.year());
    let mut events: Vec<Event> = Vec::with_capacity(event_target + 4);
    events.push(Event {
        day: issued,
        minute: 8 * 60 + rng.below(60) as u32,
        kind: "imported",
        from: None,
        to: None,
        data: format!("{{\"ref\": \"{reference}\"}}"),
        note: None,
        by_unit: false,
    });
    let settled = (deadline.kind == DeadlineKind::Unparsed && rng.chance(0.3)).then(|| {
        let on = day_between(rng, add_days(issued, 10), add_days(issued, 60)).min(yesterday);
        let due = month_end(add_days(issued, rng.between(90, 540)));
        events.push(Event {
            day: on,
            minute: 0,
            kind: "settle",
            from: None,
            to: None,
            data: format!("{{\"due_on\": \"{due}\"}}"),
            note: Some("Lãnh đạo Bộ xác định thời hạn".to_owned()),
            by_unit: false,
        });
        due
    });
    let due = settled.or(deadline.due_on);
    let extension = due
        .filter(|d| *d < add_days(yesterday, -30) && *d > add_days(issued, 30) && rng.chance(0.06))
        .map(|d| {
            let on = day_between(rng, add_days(d, -20), d);
            let to = add_days(d, rng.between(60, 270));
            let basis = format!(
                "Văn bản số {}/{} ngày {}",
                rng.between(100, 4000),
                issuer.code,
                crate::domain::deadline::format_vi(on)
            );
            events.push(Event {
                day: on,
                minute: 0,
                kind: "extend",
                from: None,
                to: None,
                data: format!("{{\"due_on\": \"{to}\", \"basis\": \"{basis}\"}}"),
                note: Some("Gia hạn theo đề nghị của đơn vị chủ trì".to_owned()),
                by_unit: false,
            });
            (to, on, basis)
        });
    let judged_by = extension.as_ref().map(|(to, _, _)| *to).or(due);
    let o = outcome(rng, issued, judged_by, yesterday);
    if let Some(start) = o.started {
        events.push(Event {
            day: start,
            minute: 0,
            kind: "state",
            from: Some("not_started"),
            to: Some("in_progress"),
            data: state_data(None, None),
            note: None,
            by_unit: true,
        });
    }
    if let Some(proposed) = o.proposed {
        events.push(Event {
            day: proposed,
            minute: 0,
            kind: "state",
            from: None,
            to: None,
            data: state_data(None, Some(proposed)),
            note: Some("Đề nghị xác nhận hoàn thành".to_owned()),
            by_unit: true,
        });
    }
    if let Some(done) = o.completed {
        events.push(Event {
            day: done,
            minute: 0,
            kind: "state",
            from: Some("in_progress"),
            to: Some("completed"),
            data: state_data(Some(done), None),
            note: Some("Đã hoàn thành".to_owned()),
            by_unit: true,
        });
    }
    for (index, m) in deadline.milestones.iter().enumerate() {
        let done_on = match o.completed {
            Some(done) => Some(m.due_on.min(done)),
            None if m.due_on < yesterday && o.started.is_some() && rng.chance(0.6) => {
                Some(m.due_on)
            }
            None => None,
        }
        .map(|d| d.max(issued));
        out.milestones
            .raw(out.next_milestone)
            .raw(id)
            .raw(index + 1)
            .text(&m.label)
            .date(Some(m.due_on))
            .date(done_on);
        out.milestones.end();
        out.next_milestone += 1;
        if let Some(done_on) = done_on {
            events.push(Event {
                day: done_on,
                minute: 0,
                kind: "milestone",
                from: None,
                to: None,
                data: format!("{{\"milestone\": {index}, \"done_on\": \"{done_on}\"}}"),
                note: None,
                by_unit: true,
            });
        }
    }
    let version = 1 + events.iter().filter(|e| e.kind != "imported").count();
    let end = o.completed.unwrap_or(yesterday);
    while events.len() < event_target {
        let day = day_between(rng, issued, end);
        let note = vocab::note(rng, day);
        events.push(Event {
            day,
            minute: 0,
            kind: "note",
            from: None,
            to: None,
            data: "{}".to_owned(),
            note: Some(note),
            by_unit: true,
        });
    }
    for e in events.iter_mut().skip(1) {
        e.minute = if e.day == issued { 9 * 60 } else { 7 * 60 } + rng.below(600) as u32;
    }
    events.sort_by_key(|e| (e.day, e.minute));
    let lead_name = leads
        .first()
        .and_then(|l| l.written.clone())
        .unwrap_or_default();
    let officer = vocab::person(rng);
    let manager = vocab::person(rng);
    let stamp = |e: &Event| format!("{} {:02}:{:02}:00+07", e.day, e.minute / 60, e.minute % 60);
    for e in &events {
        let actor = match (e.kind, e.by_unit) {
            ("imported", _) => format!("nhập: {}", decision.source),
            (_, true) => format!("{officer} ({lead_name})"),
            (_, false) => format!("{manager} (Lãnh đạo Bộ)"),
        };
        out.events
            .raw(out.next_event)
            .raw(id)
            .raw(stamp(e))
            .text(&actor)
            .text(e.kind)
            .opt(e.from)
            .opt(e.to)
            .text(&e.data)
            .opt(e.note.as_deref());
        out.events.end();
        out.next_event += 1;
    }
    for (role, links) in [("lead", &leads), ("partner", &partners)] {
        for (k, link) in links.iter().enumerate() {
            out.task_units
                .raw(id)
                .raw(link.unit)
                .text(role)
                .raw(k + 1)
                .opt(link.written.as_deref())
                .opt_raw(link.via);
            out.task_units.end();
        }
    }
    let search = search_words(
        &[
            reference.as_str(),
            &content,
            &lead_text,
            &partner_text,
            &deadline_text,
            &deliverable,
        ]
        .join(" "),
    );
    let created = stamp(&events[0]);
    let updated = events.last().map_or_else(|| created.clone(), stamp);
    out.tasks
        .raw(id)
        .raw(decision.id)
        .opt_raw(section.map(|(sid, _, _)| sid))
        .text(&number)
        .text(&reference)
        .raw(position + 1)
        .text(&content)
        .text(&lead_text)
        .text(&partner_text)
        .text(&deadline_text)
        .text(deadline.kind.as_str())
        .date(deadline.due_on)
        .date(deadline.recurs_from)
        .text(&deliverable)
        .text(o.state)
        .date(o.completed)
        .raw(version)
        .raw(position + 40)
        .raw(&created)
        .raw(&updated)
        .date(settled)
        .date(extension.as_ref().map(|e| e.0))
        .date(extension.as_ref().map(|e| e.1))
        .opt(extension.as_ref().map(|e| e.2.as_str()))
        .raw(o.proposed.is_some())
        .date(o.proposed);
    out.tasks.end();
    out.texts.raw(id).text(&search);
    out.texts.end();
}
