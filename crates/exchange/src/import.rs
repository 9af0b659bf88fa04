//! Parsing and validating an uploaded file.
//!
//! Rows are read in order and grouped by 户编号 (rows of one household need not
//! be adjacent, though exports keep them so). Each row's cells are converted by
//! their column's kind; the household and income columns are taken from the
//! household's first row and every later row must repeat them unchanged. After
//! the last row, each household is checked as a whole with the domain rules.

use std::collections::HashMap;

use fangpin_domain::codes::well_known;
use fangpin_domain::household::{Household, HouseholdError, Person};
use fangpin_domain::income::{IncomeRecord, compute};
use fangpin_domain::{IdNumber, Money, PersonError};

use crate::Issue;
use crate::cell::{Cell, convert};
use crate::columns::{COLUMNS, Draft, PlaceNames, Scope, blank_draft, index_of, normalise_header};
use crate::places::AreaTree;
use crate::read::{Input, for_each_row};

/// How to read a file.
#[derive(Debug, Clone, Copy, Default)]
pub struct ImportOptions<'a> {
    /// The stored area tree, to place households by 乡（镇） and 行政村 when the
    /// file has no 行政区划代码 column.
    pub areas: Option<&'a AreaTree>,
    /// The income year chosen for the file. A file without a 收入年度 column
    /// takes it; a file with one keeps its own, and choosing a different
    /// year is an error.
    pub income_year: Option<i32>,
    /// The income year of a file without a 收入年度 column when none was
    /// chosen (callers pass the last calendar year).
    pub default_income_year: Option<i32>,
    /// Keep the households without problems and leave out each household
    /// with any (see [`ParsedFile::left_out`]). Otherwise one problem refuses
    /// the whole file.
    pub skip_bad: bool,
}

/// The households a `skip_bad` import leaves out.
#[derive(Debug, Clone, Default)]
pub struct LeftOut {
    /// How many households.
    pub households: usize,
    /// Their rows (1-based, as the spreadsheet shows them).
    pub rows: Vec<usize>,
    /// Their problems.
    pub issues: Vec<Issue>,
}

/// One household read from a file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportedHousehold {
    /// The household record (from its first row).
    pub household: Household,
    /// Its members, in file order.
    pub members: Vec<Person>,
    /// The income record, when 收入年度 is filled in.
    pub income: Option<IncomeRecord>,
    /// 省/市/县/乡（镇）/村 names as written in the file.
    pub places: PlaceNames,
    /// Row number of the household's first row.
    pub first_row: usize,
}

/// A file that parsed without problems.
#[derive(Debug, Clone)]
pub struct ParsedFile {
    /// Households in order of first appearance.
    pub households: Vec<ImportedHousehold>,
    /// Things worth knowing that do not block the import (unknown columns).
    pub warnings: Vec<Issue>,
    /// The detected text encoding (CSV only): "UTF-8", "GB18030" or "UTF-16".
    pub encoding: Option<&'static str>,
    /// Number of data rows (members) read.
    pub rows: usize,
    /// The sheet that was read (`CSV` for CSV files).
    pub sheet: String,
    /// Households left out for their problems (only with
    /// [`ImportOptions::skip_bad`]).
    pub left_out: LeftOut,
}

/// A file with problems: every problem found, sorted by row and column.
#[derive(Debug, Clone)]
pub struct ImportFailure {
    /// The problems.
    pub issues: Vec<Issue>,
    /// Warnings, as in [`ParsedFile::warnings`].
    pub warnings: Vec<Issue>,
    /// The detected text encoding (CSV only).
    pub encoding: Option<&'static str>,
    /// Number of data rows read.
    pub rows: usize,
}

impl std::fmt::Display for ImportFailure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "导入失败：发现{}个问题", self.issues.len())?;
        if let Some(first) = self.issues.first() {
            write!(
                f,
                "，第一个：第{}行“{}”：{}",
                first.row, first.column, first.reason
            )?;
        }
        Ok(())
    }
}

impl std::error::Error for ImportFailure {}

/// Indices into [`COLUMNS`] that the checks refer to.
struct Known {
    household_no: usize,
    head_id: usize,
    current_size: usize,
    income_year: usize,
    annual_persons: usize,
    id_number: usize,
    relation: usize,
    area: usize,
    township: usize,
    village: usize,
}

impl Known {
    fn new() -> Known {
        Known {
            household_no: index_of("户编号"),
            head_id: index_of("户主证件号码"),
            current_size: index_of("当前家庭人口数"),
            income_year: index_of("收入年度"),
            annual_persons: index_of("年度家庭人口数"),
            id_number: index_of("证件号码"),
            relation: index_of("与户主关系"),
            area: index_of("行政区划代码"),
            township: index_of("乡（镇）"),
            village: index_of("行政村"),
        }
    }
}

struct Member {
    row: usize,
    person: Person,
    /// No cell problem in the row's member columns.
    clean: bool,
    relation_ok: bool,
    id_ok: bool,
}

struct Group {
    first_row: usize,
    /// Problems found before this household's first row (streaming: the
    /// ones after it are the household's own).
    issue_mark: usize,
    /// Has a 户编号 (rows without one are reported and kept apart).
    keyed: bool,
    draft: Draft,
    income_present: bool,
    /// Display text of the household/income columns on the first row, in table
    /// order, joined with [`SEP`] (one allocation per household instead of ~90).
    first_values: String,
    /// Household/income columns whose first-row cell was bad.
    bad: Bad,
    members: Vec<Member>,
}

struct State<'a> {
    sheet: String,
    tree: Option<&'a AreaTree>,
    year: Option<i32>,
    default_year: Option<i32>,
    /// The file has no 行政区划代码 column: households are placed by name.
    by_name: bool,
    /// The file's 收入年度 differs from the chosen one (reported once).
    year_conflict: bool,
    known: Known,
    template: Draft,
    /// Table column → file column.
    pos: Vec<Option<usize>>,
    header_row: Option<usize>,
    header_fatal: bool,
    groups: Vec<Group>,
    /// Streaming: households handed on so far; `groups[i - base]` is the
    /// household numbered `i` in `by_no`.
    base: usize,
    /// Streaming: where complete households go.
    stream: Option<Stream<'a>>,
    by_no: HashMap<String, usize>,
    ids: HashMap<IdNumber, usize>,
    issues: Vec<Issue>,
    warnings: Vec<Issue>,
    rows: usize,
}

impl State<'_> {
    fn issue(&mut self, row: usize, col: usize, value: String, reason: String) {
        self.issues.push(Issue {
            sheet: self.sheet.clone(),
            row,
            column: COLUMNS[col].header.to_string(),
            value,
            reason,
        });
    }

    fn header(&mut self, row: usize, cells: &[Cell]) {
        self.header_row = Some(row);
        let lookup: HashMap<String, usize> = COLUMNS
            .iter()
            .enumerate()
            .flat_map(|(i, c)| {
                std::iter::once(c.header)
                    .chain(c.aliases.iter().copied())
                    .map(move |h| (normalise_header(h), i))
            })
            .collect();
        for (file_col, cell) in cells.iter().enumerate() {
            let text = cell.display();
            if text.is_empty() {
                continue;
            }
            match lookup.get(&normalise_header(&text)) {
                Some(&i) if self.pos[i].is_none() => {
                    self.pos[i] = Some(file_col);
                }
                Some(&i) => self.warnings.push(Issue {
                    sheet: self.sheet.clone(),
                    row,
                    column: text.clone(),
                    value: text,
                    reason: format!("列“{}”重复出现，只读取第一列", COLUMNS[i].header),
                }),
                None => self.warnings.push(Issue {
                    sheet: self.sheet.clone(),
                    row,
                    column: text.clone(),
                    value: text.clone(),
                    reason: format!("未知列“{text}”，已忽略"),
                }),
            }
        }
        let k = &self.known;
        self.by_name = self.pos[k.area].is_none()
            && self.pos[k.township].is_some()
            && self.pos[k.village].is_some();
        if self.by_name && self.tree.is_none_or(AreaTree::is_empty) {
            self.header_fatal = true;
            let col = self.known.area;
            self.issue(
                row,
                col,
                String::new(),
                "文件没有行政区划代码列，需按乡（镇）和行政村名称确定所在村，但系统中还没有区划；请先导入区划".into(),
            );
        }
        for (i, c) in COLUMNS.iter().enumerate() {
            if i == self.known.area && self.by_name {
                continue;
            }
            if c.required && self.pos[i].is_none() {
                self.header_fatal = true;
                let reason = if i == self.known.area {
                    "缺少必填列“行政区划代码”（或“乡（镇）”和“行政村”两列）".to_string()
                } else {
                    format!("缺少必填列“{}”", c.header)
                };
                self.issue(row, i, String::new(), reason);
            }
        }
    }

    fn cell<'c>(&self, cells: &'c [Cell], col: usize) -> &'c Cell {
        const EMPTY: &Cell = &Cell::Empty;
        self.pos[col].and_then(|p| cells.get(p)).unwrap_or(EMPTY)
    }

    /// Convert one cell and apply it to the draft; returns whether it was good.
    fn apply(&mut self, row: usize, cells: &[Cell], col: usize, draft: &mut Draft) -> bool {
        let c = &COLUMNS[col];
        if self.pos[col].is_none() {
            return true;
        }
        let cell = self.cell(cells, col);
        if c.required && cell.is_blank() {
            self.issue(row, col, String::new(), format!("{}不能为空", c.header));
            return false;
        }
        let result = convert(cell, c.kind, c.header).and_then(|v| (c.set)(draft, v));
        match result {
            Ok(()) => true,
            Err(reason) => {
                let value = cell.display();
                self.issue(row, col, value, reason);
                false
            }
        }
    }

    fn data_row(&mut self, row: usize, cells: &[Cell]) {
        self.rows += 1;
        let k = &self.known;
        let no_cell = self.cell(cells, k.household_no).display();
        let (group_idx, is_first) = if no_cell.is_empty() {
            (None, true)
        } else {
            match self.by_no.get(&no_cell) {
                Some(&g) if g < self.base => {
                    // Streaming: this household was already handed on.
                    if let Some(s) = &mut self.stream {
                        s.end = Some(StreamEnd::Scattered);
                    }
                    return;
                }
                Some(&g) => (Some(g - self.base), false),
                None => (None, true),
            }
        };
        if is_first && self.stream.is_some() {
            self.hand_on();
        }
        let issue_mark = self.issues.len();
        let mut draft = self.template.clone_draft();

        if is_first {
            // Household and income columns from this row.
            let mut first_values = String::new();
            let mut bad = Bad::default();
            let mut started = false;
            let mut any_income = false;
            for (i, c) in COLUMNS.iter().enumerate() {
                if c.scope == Scope::Person {
                    continue;
                }
                let cell = self.cell(cells, i);
                if started {
                    first_values.push(SEP);
                }
                started = true;
                first_values.push_str(&cell.display());
                if c.scope == Scope::Income && i != self.known.income_year && !cell.is_blank() {
                    any_income = true;
                }
                if !self.apply(row, cells, i, &mut draft) {
                    bad.mark(i, &self.known);
                }
            }
            if self.by_name {
                match self.tree.map(|t| t.resolve(&draft.places)) {
                    Some(Ok(code)) => draft.household.area = code,
                    Some(Err(p)) => {
                        let col = index_of(p.column);
                        self.issue(row, col, p.value, p.reason);
                        bad.mark(col, &self.known);
                    }
                    None => bad.mark(self.known.area, &self.known),
                }
            }
            let year_col = self.pos[self.known.income_year].is_some();
            let year_blank = self.cell(cells, self.known.income_year).is_blank();
            let income_present = if year_col { !year_blank } else { any_income };
            if !year_col && income_present {
                match self.year.or(self.default_year) {
                    Some(y) => draft.income.year = y,
                    None => {
                        let col = self.known.income_year;
                        self.issue(
                            row,
                            col,
                            String::new(),
                            "文件没有收入年度列，请在导入时选择收入年度".into(),
                        );
                        bad.mark(col, &self.known);
                    }
                }
            }
            if let Some(y) = self.year
                && year_col
                && income_present
                && draft.income.year != 0
                && draft.income.year != y
                && !self.year_conflict
            {
                self.year_conflict = true;
                let file_year = draft.income.year;
                let col = self.known.income_year;
                self.issue(
                    0,
                    col,
                    file_year.to_string(),
                    format!(
                        "文件的收入年度为{file_year}（第{row}行），与导入时选择的收入年度{y}不一致；文件有收入年度列时以文件为准，请不要另选年度"
                    ),
                );
            }
            if year_col && year_blank && any_income {
                let col = self.known.income_year;
                self.issue(
                    row,
                    col,
                    String::new(),
                    "填写了收入数据，但收入年度为空".into(),
                );
                bad.mark(col, &self.known);
            }
            if income_present && self.cell(cells, self.known.annual_persons).is_blank() {
                let col = self.known.annual_persons;
                self.issue(
                    row,
                    col,
                    String::new(),
                    "填写了收入年度，但年度家庭人口数为空".into(),
                );
                bad.mark(col, &self.known);
            }
            let keyed = !no_cell.is_empty();
            let g = Group {
                first_row: row,
                issue_mark,
                keyed,
                draft: draft.clone_draft(),
                income_present,
                first_values,
                bad,
                members: Vec::new(),
            };
            self.groups.push(g);
            if keyed {
                self.by_no
                    .insert(no_cell.clone(), self.base + self.groups.len() - 1);
            }
        } else if let Some(g) = group_idx {
            // Later rows must repeat the household and income columns.
            let mut mismatches = Vec::new();
            let household_cols = COLUMNS
                .iter()
                .enumerate()
                .filter(|(_, c)| c.scope != Scope::Person);
            for ((i, _), first) in household_cols.zip(self.groups[g].first_values.split(SEP)) {
                if self.pos[i].is_some() && !self.cell(cells, i).display_is(first) {
                    mismatches.push((i, first.to_string()));
                }
            }
            let first_row = self.groups[g].first_row;
            for (i, first) in mismatches {
                let header = COLUMNS[i].header;
                let now = self.cell(cells, i).display();
                let reason = format!("同一户编号的{header}不一致（第{first_row}行为“{first}”）");
                self.issue(row, i, now, reason);
            }
        }
        let g = group_idx.unwrap_or(self.groups.len() - 1);

        // Member columns.
        let mut clean = true;
        let mut relation_ok = true;
        let mut id_ok = true;
        for (i, c) in COLUMNS.iter().enumerate() {
            if c.scope != Scope::Person {
                continue;
            }
            let ok = self.apply(row, cells, i, &mut draft);
            clean &= ok;
            if i == self.known.relation {
                relation_ok = ok;
            }
            if i == self.known.id_number {
                id_ok = ok && self.pos[i].is_some();
            }
        }
        let mut person = draft.person;
        if id_ok {
            if !draft.sex_given {
                person.sex = person.id_number.sex();
            }
            if !draft.birth_given {
                person.birth_date = person.id_number.birth_date();
            }
            if let Some(&first) = self.ids.get(&person.id_number) {
                let col = self.known.id_number;
                let masked = person.id_number.masked();
                self.issue(
                    row,
                    col,
                    masked.clone(),
                    format!("证件号码重复：第{first}行和第{row}行都是{masked}"),
                );
            } else {
                self.ids.insert(person.id_number.clone(), row);
            }
        }
        if clean && let Err(e) = person.validate() {
            let col = person_error_column(&e);
            let value = self.cell(cells, col).display();
            self.issue(row, col, value, e.to_string());
        }
        self.groups[g].members.push(Member {
            row,
            person,
            clean,
            relation_ok,
            id_ok,
        });
    }

    /// Whole-household checks after all rows are read.
    fn check_groups(&mut self) {
        let groups = std::mem::take(&mut self.groups);
        for g in &groups {
            self.check_group(g);
        }
        self.groups = groups;
    }

    /// Checks of one household as a whole (head, member count, domain rules).
    fn check_group(&mut self, g: &Group) {
        let k = Known::new();
        {
            if !g.keyed {
                return;
            }
            let h = &g.draft.household;
            let row = g.first_row;
            let mut found = false;
            // Exactly one 户主.
            let relations_ok = g.members.iter().all(|m| m.relation_ok);
            let heads: Vec<&Member> = g
                .members
                .iter()
                .filter(|m| m.person.relation == well_known::RELATION_HEAD)
                .collect();
            if relations_ok {
                match heads.as_slice() {
                    [] => {
                        found = true;
                        self.issue(
                            row,
                            k.relation,
                            String::new(),
                            HouseholdError::NoHead.to_string(),
                        );
                    }
                    [head] => {
                        if head.id_ok && !g.bad.head_id && head.person.id_number != h.head_id {
                            found = true;
                            let e = HouseholdError::HeadIdMismatch {
                                household: h.head_id.masked(),
                                name: head.person.name.clone(),
                                member: head.person.id_number.masked(),
                            };
                            self.issue(row, k.head_id, h.head_id.masked(), e.to_string());
                        }
                    }
                    many => {
                        found = true;
                        let e = HouseholdError::MultipleHeads {
                            count: many.len(),
                            names: many
                                .iter()
                                .map(|m| m.person.name.as_str())
                                .collect::<Vec<_>>()
                                .join("、"),
                        };
                        let rows = many
                            .iter()
                            .map(|m| format!("第{}行", m.row))
                            .collect::<Vec<_>>()
                            .join("、");
                        self.issue(
                            many[1].row,
                            k.relation,
                            "户主".into(),
                            format!("{e}（{rows}）"),
                        );
                    }
                }
            }
            // Member count.
            if !g.bad.current_size && usize::from(h.current_size) != g.members.len() {
                found = true;
                let e = HouseholdError::SizeMismatch {
                    declared: h.current_size,
                    actual: g.members.len(),
                };
                self.issue(
                    row,
                    k.current_size,
                    h.current_size.to_string(),
                    e.to_string(),
                );
            }
            let household_clean = !g.bad.any;
            if household_clean && let Err(e) = h.validate() {
                found = true;
                let col = household_error_column(&e);
                let value = first_value(&g.first_values, col);
                self.issue(row, col, value, e.to_string());
            }
            // Final guard through the domain's own member check, for clean households
            // only (duplicate IDs are reported file-wide above).
            let members_clean = g.members.iter().all(|m| m.clean);
            if household_clean && members_clean && !found {
                let members: Vec<Person> = g.members.iter().map(|m| m.person.clone()).collect();
                match h.validate_members(&members) {
                    Ok(()) | Err(HouseholdError::DuplicateId { .. }) => {}
                    Err(e) => {
                        let col = household_error_column(&e);
                        self.issue(row, col, String::new(), e.to_string());
                    }
                }
            }
        }
    }

    /// Streaming: checks the households read so far (all complete, since a
    /// new one starts) and hands on those without problems; with
    /// `skip_bad`, those with problems are left out, otherwise nothing more
    /// is handed on once a problem is found.
    fn hand_on(&mut self) {
        let groups = std::mem::take(&mut self.groups);
        self.base += groups.len();
        for g in groups {
            self.check_group(&g);
            let Some(stream) = self.stream.as_mut() else {
                return;
            };
            let own = |i: &Issue| i.row == g.first_row || g.members.iter().any(|m| m.row == i.row);
            let bad = self.issues[g.issue_mark..].iter().any(own);
            if bad && stream.skip_bad {
                let tail = self.issues.split_off(g.issue_mark);
                let (mine, rest): (Vec<Issue>, Vec<Issue>) = tail.into_iter().partition(own);
                self.issues.extend(rest);
                stream.left_out.households += 1;
                stream.left_out.rows.extend(g.members.iter().map(|m| m.row));
                stream.left_out.issues.extend(mine);
                continue;
            }
            if !self.issues.is_empty() || stream.end.is_some() {
                continue;
            }
            if let Some(w) = income_differs(&g, &self.sheet) {
                self.warnings.push(w);
            }
            stream.batch.push(imported(g));
            if stream.batch.len() >= stream.size {
                let batch = std::mem::take(&mut stream.batch);
                if !(stream.sink)(batch) {
                    stream.end = Some(StreamEnd::Halted);
                }
            }
        }
    }
}

/// A household of the file as the store takes it.
fn imported(g: Group) -> ImportedHousehold {
    ImportedHousehold {
        household: g.draft.household,
        members: g.members.into_iter().map(|m| m.person).collect(),
        income: g.income_present.then_some(g.draft.income),
        places: g.draft.places,
        first_row: g.first_row,
    }
}

/// Where a streaming parse hands complete households.
struct Stream<'a> {
    sink: &'a mut dyn FnMut(Vec<ImportedHousehold>) -> bool,
    batch: Vec<ImportedHousehold>,
    size: usize,
    skip_bad: bool,
    left_out: LeftOut,
    end: Option<StreamEnd>,
}

/// Why a streaming parse stopped early.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum StreamEnd {
    /// A household's rows are not adjacent: it was handed on before all its
    /// members were read.
    Scattered,
    /// The sink asked to stop.
    Halted,
}

/// How a streaming parse ended (see [`parse_stream`]).
#[derive(Debug)]
pub enum Streamed {
    /// Every row was read; the households went to the sink (so
    /// [`ParsedFile::households`] is empty). With `skip_bad`, the left-out
    /// ones are in [`ParsedFile::left_out`].
    Parsed(ParsedFile),
    /// The file has problems; nothing it handed on may be kept.
    Refused(ImportFailure),
    /// The rows of a household are not adjacent, so households cannot be
    /// handed on before the last row: parse the whole file with
    /// [`parse_with`] instead. Nothing handed on may be kept.
    Scattered,
    /// The sink asked to stop.
    Halted,
}

impl Draft {
    fn clone_draft(&self) -> Draft {
        Draft {
            household: self.household.clone(),
            person: self.person.clone(),
            income: self.income.clone(),
            places: self.places.clone(),
            sex_given: false,
            birth_given: false,
            file_net: self.file_net,
            file_per_capita: self.file_per_capita,
        }
    }
}

/// Separator of the joined first-row values (a control character no cell holds).
const SEP: char = '\u{1f}';

/// Which first-row household cells were bad, as far as the checks need to know.
#[derive(Default)]
struct Bad {
    any: bool,
    head_id: bool,
    current_size: bool,
}

impl Bad {
    fn mark(&mut self, col: usize, k: &Known) {
        self.any = true;
        self.head_id |= col == k.head_id;
        self.current_size |= col == k.current_size;
    }
}

/// The first-row display text of household column `col`.
fn first_value(joined: &str, col: usize) -> String {
    COLUMNS
        .iter()
        .enumerate()
        .filter(|(_, c)| c.scope != Scope::Person)
        .zip(joined.split(SEP))
        .find(|((i, _), _)| *i == col)
        .map(|(_, v)| v.to_string())
        .unwrap_or_default()
}

fn person_error_column(e: &PersonError) -> usize {
    match e {
        PersonError::SexMismatch { .. } => index_of("性别"),
        PersonError::BirthDateMismatch { .. } => index_of("出生日期"),
        PersonError::Months { field, .. } => {
            if field.starts_with("务工") {
                index_of("务工时间（月）")
            } else {
                index_of("公益性岗位（月数）")
            }
        }
        PersonError::Blank { .. } => index_of("姓名"),
    }
}

fn household_error_column(e: &HouseholdError) -> usize {
    match e {
        HouseholdError::NoHead | HouseholdError::MultipleHeads { .. } => index_of("与户主关系"),
        HouseholdError::HeadIdMismatch { .. } => index_of("户主证件号码"),
        HouseholdError::DuplicateId { .. } => index_of("证件号码"),
        HouseholdError::SizeMismatch { .. } => index_of("当前家庭人口数"),
        HouseholdError::TooManyRisks { .. } | HouseholdError::DuplicateRisk { .. } => {
            index_of("致贫/返贫风险1")
        }
        HouseholdError::AreaNotVillage { .. } => index_of("行政区划代码"),
        HouseholdError::GroupNo { .. } => index_of("村民小组"),
        HouseholdError::EliminatedBeforeIdentified { .. } => index_of("消除监测时间"),
        HouseholdError::Blank { field } => COLUMNS
            .iter()
            .position(|c| c.header == *field)
            .unwrap_or_else(|| index_of("户编号")),
        HouseholdError::PovertyPolicyNotLifted => index_of("脱贫户享受政策"),
    }
}

fn file_issue(reason: String) -> ImportFailure {
    ImportFailure {
        issues: vec![Issue {
            sheet: String::new(),
            row: 0,
            column: String::new(),
            value: String::new(),
            reason,
        }],
        warnings: Vec::new(),
        encoding: None,
        rows: 0,
    }
}

/// Parse and validate a whole file. Either every household, or every problem.
pub fn parse<'a>(
    file_name: &str,
    input: impl Into<Input<'a>>,
) -> Result<ParsedFile, ImportFailure> {
    parse_with(file_name, input, &ImportOptions::default())
}

/// [`parse`] with options: place households by name, choose the income year,
/// leave out the households with problems.
pub fn parse_with<'a>(
    file_name: &str,
    input: impl Into<Input<'a>>,
    options: &ImportOptions<'_>,
) -> Result<ParsedFile, ImportFailure> {
    match run(file_name, input.into(), options, None) {
        Streamed::Parsed(p) => Ok(p),
        Streamed::Refused(f) => Err(f),
        // Only a streaming parse stops early.
        Streamed::Scattered | Streamed::Halted => Err(file_issue("文件读取中断".into())),
    }
}

/// [`parse_with`] that hands the households on to `sink` in batches of
/// `batch` as soon as each is complete, instead of holding the whole file:
/// a household is complete when the next one starts, as in the national
/// system's exports, where the rows of a household are adjacent. Should they
/// not be, the answer is [`Streamed::Scattered`] as soon as that shows.
///
/// Without `skip_bad`, households stop going to the sink at the first
/// problem and the answer is [`Streamed::Refused`] with every problem of
/// the file: whoever took the earlier batches must drop them.
pub fn parse_stream(
    file_name: &str,
    input: Input<'_>,
    options: &ImportOptions<'_>,
    batch: usize,
    sink: &mut dyn FnMut(Vec<ImportedHousehold>) -> bool,
) -> Streamed {
    let stream = Stream {
        sink,
        batch: Vec::new(),
        size: batch.max(1),
        skip_bad: options.skip_bad,
        left_out: LeftOut::default(),
        end: None,
    };
    run(file_name, input, options, Some(stream))
}

fn run<'a>(
    file_name: &str,
    input: Input<'_>,
    options: &ImportOptions<'a>,
    stream: Option<Stream<'a>>,
) -> Streamed {
    let kind = match input.kind(file_name) {
        Ok(k) => k,
        Err(e) => return Streamed::Refused(file_issue(e.to_string())),
    };
    let mut state = State {
        sheet: String::new(),
        tree: options.areas,
        year: options.income_year,
        default_year: options.default_income_year,
        by_name: false,
        year_conflict: false,
        known: Known::new(),
        template: blank_draft(),
        pos: vec![None; COLUMNS.len()],
        header_row: None,
        header_fatal: false,
        groups: Vec::new(),
        base: 0,
        stream,
        by_no: HashMap::new(),
        ids: HashMap::new(),
        issues: Vec::new(),
        warnings: Vec::new(),
        rows: 0,
    };
    let info = match kind {
        crate::FileKind::Xlsx => String::new(),
        crate::FileKind::Csv => "CSV".to_string(),
    };
    // Issues name the sheet; for xlsx it is known once reading starts and
    // is filled in afterwards.
    state.sheet = info;
    let read = for_each_row(kind, input, |row, cells| {
        if cells.iter().all(Cell::is_blank) {
            return true;
        }
        if state.header_row.is_none() {
            state.header(row, &cells);
        } else if state.header_fatal {
            state.rows += 1;
        } else {
            state.data_row(row, &cells);
        }
        state.stream.as_ref().is_none_or(|s| s.end.is_none())
    });
    let info = match read {
        Ok(i) => i,
        Err(e) => return Streamed::Refused(file_issue(e.to_string())),
    };
    if let Some(end) = state.stream.as_ref().and_then(|s| s.end) {
        return match end {
            StreamEnd::Scattered => Streamed::Scattered,
            StreamEnd::Halted => Streamed::Halted,
        };
    }
    if state.header_row.is_none() {
        return Streamed::Refused(file_issue("文件中没有数据（未找到表头行）".into()));
    }
    if !state.header_fatal {
        if state.stream.is_some() {
            state.hand_on();
        } else {
            state.check_groups();
        }
    }
    let mut left_out = LeftOut::default();
    if let Some(stream) = state.stream.as_mut() {
        if let Some(end) = stream.end {
            // The last batch may have been refused.
            return match end {
                StreamEnd::Scattered => Streamed::Scattered,
                StreamEnd::Halted => Streamed::Halted,
            };
        }
        left_out = std::mem::take(&mut stream.left_out);
        let batch = std::mem::take(&mut stream.batch);
        if state.issues.is_empty() && !batch.is_empty() && !(stream.sink)(batch) {
            return Streamed::Halted;
        }
    }
    for i in state
        .issues
        .iter_mut()
        .chain(state.warnings.iter_mut())
        .chain(left_out.issues.iter_mut())
    {
        i.sheet.clone_from(&info.sheet);
    }
    if state.rows == 0 && state.issues.is_empty() {
        state.issues.push(Issue {
            sheet: info.sheet.clone(),
            row: 0,
            column: String::new(),
            value: String::new(),
            reason: "文件只有表头，没有数据行".into(),
        });
    }
    if options.skip_bad && !state.issues.is_empty() && !state.header_fatal {
        let more = state.leave_out_bad();
        left_out.households += more.households;
        left_out.rows.extend(more.rows);
        left_out.issues.extend(more.issues);
        left_out.rows.sort_unstable();
        left_out.issues.sort_by_key(|i| i.row);
    }
    if !state.issues.is_empty() {
        let pos = &state.pos;
        let order = |i: &Issue| {
            COLUMNS
                .iter()
                .position(|c| c.header == i.column)
                .and_then(|c| pos[c])
                .unwrap_or(usize::MAX)
        };
        state.issues.sort_by_key(|i| (i.row, order(i)));
        return Streamed::Refused(ImportFailure {
            issues: state.issues,
            warnings: state.warnings,
            encoding: info.encoding,
            rows: state.rows,
        });
    }
    let mut warnings = state.warnings;
    warnings.extend(
        state
            .groups
            .iter()
            .filter_map(|g| income_differs(g, &info.sheet)),
    );
    let households = state.groups.into_iter().map(imported).collect();
    Streamed::Parsed(ParsedFile {
        households,
        warnings,
        encoding: info.encoding,
        rows: state.rows,
        sheet: info.sheet,
        left_out,
    })
}

impl State<'_> {
    /// Moves every household with a problem out of the groups, with its
    /// problems; problems of the file as a whole (row 0) stay and still
    /// refuse it.
    fn leave_out_bad(&mut self) -> LeftOut {
        let mut group_of_row: HashMap<usize, usize> = HashMap::new();
        for (i, g) in self.groups.iter().enumerate() {
            group_of_row.insert(g.first_row, i);
            for m in &g.members {
                group_of_row.insert(m.row, i);
            }
        }
        let mut bad = vec![false; self.groups.len()];
        let mut kept = Vec::new();
        let mut out = LeftOut::default();
        for issue in std::mem::take(&mut self.issues) {
            match group_of_row.get(&issue.row) {
                Some(&g) => {
                    bad[g] = true;
                    out.issues.push(issue);
                }
                None => kept.push(issue),
            }
        }
        self.issues = kept;
        let groups = std::mem::take(&mut self.groups);
        for (g, is_bad) in groups.into_iter().zip(bad) {
            if is_bad {
                out.households += 1;
                out.rows.extend(g.members.iter().map(|m| m.row));
            } else {
                self.groups.push(g);
            }
        }
        out.rows.sort_unstable();
        out.issues.sort_by_key(|i| i.row);
        out
    }
}

/// A warning when the file's 纯收入 or 人均纯收入 differs from the one
/// computed from its components (the components are what is stored).
fn income_differs(g: &Group, sheet: &str) -> Option<Issue> {
    if !g.income_present {
        return None;
    }
    let d = &g.draft;
    let rules = crate::ExportOptions::default().income_rules;
    let computed = compute(&d.income, &rules).ok()?;
    let yuan = |m: Money| m.to_string();
    let mut parts = Vec::new();
    let mut column = "";
    let mut value = String::new();
    for (header, given, ours) in [
        ("纯收入（元）", d.file_net, computed.net),
        ("人均纯收入（元）", d.file_per_capita, computed.per_capita),
    ] {
        if let Some(given) = given
            && given != ours
        {
            if column.is_empty() {
                column = header;
                value = yuan(given);
            }
            let name = header.trim_end_matches("（元）");
            parts.push(format!(
                "文件中的{name}为{}元，按各项收入计算为{}元",
                yuan(given),
                yuan(ours)
            ));
        }
    }
    if parts.is_empty() {
        return None;
    }
    Some(Issue {
        sheet: sheet.to_owned(),
        row: g.first_row,
        column: column.to_owned(),
        value,
        reason: format!(
            "户编号{}：{}；以计算结果为准",
            d.household.household_no,
            parts.join("，")
        ),
    })
}
