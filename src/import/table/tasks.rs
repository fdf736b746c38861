//! The task side of the walk: a row that is a task, and a row that continues the task above.

use super::super::columns::Column;
use super::super::error::Fault;
use super::super::model::Warning;
use super::DraftTask;
use super::fields::{field, inherits_blank, join, split_product};
use super::row::{Row, Slot};
use super::walker::Walker;

impl Walker {
    pub(super) fn continue_task(&mut self, row: &Row) {
        let columns: Vec<(Column, Option<usize>)> = [
            Column::Task,
            Column::Lead,
            Column::Partner,
            Column::Deadline,
            Column::Deliverable,
        ]
        .iter()
        .map(|c| (*c, self.at(*c)))
        .collect();
        let kept = self.map.kept();
        let Some(above) = self.table.tasks.last().map(|t| t.number.clone()) else {
            return;
        };
        let what = if above.is_empty() {
            "phần tiếp của nhiệm vụ ở trên".to_owned()
        } else {
            format!("phần tiếp của nhiệm vụ {above}")
        };
        self.table.warnings.push(Warning::at(
            row.line,
            format!("hàng không số được đọc là {what}"),
        ));
        let Some(task) = self.table.tasks.last_mut() else {
            return;
        };
        for (column, index) in columns {
            let more = row.own(index);
            let field = match column {
                Column::Task => &mut task.content,
                Column::Lead => &mut task.lead,
                Column::Partner => &mut task.partner,
                Column::Deadline => &mut task.deadline,
                Column::Deliverable => &mut task.deliverable,
                Column::Number => continue,
            };
            let units = matches!(column, Column::Lead | Column::Partner);
            join(field, more, units);
        }
        for (index, name) in kept {
            let more = row.own(Some(index));
            if more.is_empty() {
                continue;
            }
            match task.extras.iter_mut().find(|(n, _)| n == name) {
                Some((_, value)) => join(value, more, false),
                None => task.extras.push((name.to_owned(), more.to_owned())),
            }
        }
    }

    pub(super) fn push_task(
        &mut self,
        written: &str,
        number: &str,
        row: &Row,
    ) -> Result<(), Fault> {
        if row.short {
            let missing = self.map.missing(row.raw_len);
            let names: Vec<&str> = missing.iter().map(|c| c.label()).collect();
            return Err(Fault::at(
                row.line,
                format!(
                    "hàng của nhiệm vụ {number} chỉ có {} ô, bảng có {} cột; thiếu cột: {}",
                    row.raw_len,
                    self.map.width,
                    names.join(", ")
                ),
            ));
        }
        let previous = self.table.tasks.last();
        // A cell a merge covers, or left blank under a merged cell in Word's text, takes the
        // value of the row above.
        let carried = |column: Column, own: Option<&str>| -> String {
            match own {
                Some(text) if !text.is_empty() => text.to_owned(),
                _ => previous
                    .map(|p| field(p, column).to_owned())
                    .unwrap_or_default(),
            }
        };
        let value = |column: Column| row.value(self.at(column));
        let content = match value(Column::Task) {
            Some(text) if !text.is_empty() => text.to_owned(),
            Some(_) => String::new(),
            None => carried(Column::Task, None),
        };
        if content.is_empty() {
            return Err(Fault::at(
                row.line,
                format!(
                    "nhiệm vụ {written} không có nội dung (cột \"{}\" trống)",
                    self.map
                        .index(Column::Task)
                        .and_then(|i| self.map.names.get(i))
                        .map_or(Column::Task.label(), String::as_str)
                ),
            ));
        }
        let same_section = previous.is_some_and(|p| p.section == self.section);
        let inherit = |column: Column| -> String {
            match value(column) {
                None => carried(column, None),
                Some(text) if text.is_empty() && same_section && inherits_blank(column) => {
                    carried(column, None)
                }
                Some(text) => text.to_owned(),
            }
        };
        // With no product column, a plan may write the product inside the content cell
        // ("… - Sản phẩm: Cổng được nâng cấp").
        let (content, product) = match self.at(Column::Deliverable) {
            None => split_product(&content),
            Some(_) => (content, None),
        };
        let lead = inherit(Column::Lead);
        // One text across "chủ trì" and "phối hợp" names the leads, not leads and partners.
        let partner = match self.at(Column::Partner).and_then(|i| row.slots.get(i)) {
            Some(Slot::Spanned(_)) => String::new(),
            _ => inherit(Column::Partner),
        };
        let deadline = inherit(Column::Deadline);
        let deliverable = product.unwrap_or_else(|| inherit(Column::Deliverable));
        let extras = self
            .map
            .kept()
            .into_iter()
            .filter_map(|(index, name)| {
                let text = match row.value(Some(index)) {
                    Some(text) => text.to_owned(),
                    None => previous
                        .and_then(|p| p.extras.iter().find(|(n, _)| n == name))
                        .map(|(_, v)| v.clone())
                        .unwrap_or_default(),
                };
                (!text.is_empty()).then(|| (name.to_owned(), text))
            })
            .collect();
        if lead.is_empty() && self.at(Column::Lead).is_some() {
            self.table.warnings.push(Warning::at(
                row.line,
                format!("nhiệm vụ {written} không có đơn vị chủ trì"),
            ));
        }
        let reference = match self.section.and_then(|s| self.table.sections.get(s)) {
            Some(section) => format!("{}.{}", section.code, number),
            None => number.to_owned(),
        };
        self.table.tasks.push(DraftTask {
            section: self.section,
            number: written.to_owned(),
            reference,
            heading: self.heading.clone(),
            content,
            lead,
            partner,
            deadline,
            deliverable,
            extras,
            line: row.line,
        });
        Ok(())
    }
}
