//! Data exchange over HTTP: file uploads run as import jobs (parse, then one
//! store transaction, then a duplicate scan) whose progress the page polls;
//! exports stream a national-layout file built on disk. What to store and
//! how a file is written are the use cases of `fangpin_app::exchange`, which
//! the command line calls too.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use axum::Json;
use axum::body::Body;
use axum::extract::{DefaultBodyLimit, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, Utc};
use fangpin_app::exchange::{FileImport, FileImportOutcome, Importer};
use fangpin_domain::AreaCode;
use fangpin_exchange::Issue;
use fangpin_store::users::perm;
use fangpin_store::{Access, HouseholdFilter, ImportSummary, Store};
use serde::{Deserialize, Serialize};
use utoipa_axum::routes;

use crate::auth::Caller;
use crate::extract::{ApiPath, ApiQuery};
use crate::openapi::ErrorBody;
use crate::routes::{Guard, Routes};
use crate::{ApiError, AppState};

/// Largest accepted upload (a county's full export is ~130 MB as xlsx).
pub const MAX_UPLOAD: usize = 512 * 1024 * 1024;
/// Issues kept on a job for the page; the report file has all of them.
const ISSUES_SHOWN: usize = 500;
/// How long a finished import job and its error report stay readable.
pub const JOB_KEEP: chrono::Duration = chrono::Duration::hours(1);
/// Most finished import jobs kept (the oldest go first), so that reports of
/// many uploads cannot fill the memory.
pub const JOBS_KEPT: usize = 100;

/// Where an import stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum ImportStatus {
    /// Reading and checking the file.
    Parsing,
    /// Writing the households (one transaction).
    Writing,
    Done,
    Failed,
}

/// One upload and what became of it.
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct ImportJob {
    pub id: String,
    pub file_name: String,
    pub user_id: Option<i64>,
    pub dry_run: bool,
    pub status: ImportStatus,
    pub status_label: &'static str,
    pub rows: Option<usize>,
    pub encoding: Option<&'static str>,
    pub summary: Option<ImportSummary>,
    pub issue_count: usize,
    pub issues: Vec<Issue>,
    pub warnings: Vec<Issue>,
    pub error: Option<String>,
    /// Where a failed job stopped: `parsing` (nothing was written) or
    /// `writing` (the transaction was rolled back).
    pub failed_stage: Option<ImportStatus>,
    pub has_report: bool,
    /// Households left out for their problems (`skip_bad`); the report
    /// holds exactly their rows, to be corrected and imported again.
    pub left_out: usize,
    /// Households written so far while the file is read (all of them are
    /// rolled back should a later problem refuse the file).
    pub written: usize,
    pub duplicates_found: Option<u64>,
    pub started_at: DateTime<Utc>,
    pub finished_at: Option<DateTime<Utc>>,
}

/// A job and its error report (an xlsx), if the file had problems.
type JobEntry = (ImportJob, Option<Vec<u8>>);

/// Import jobs of this server process, with their error reports.
#[derive(Clone, Default)]
pub struct Jobs {
    inner: Arc<Mutex<HashMap<String, JobEntry>>>,
}

impl Jobs {
    /// Forgets finished jobs older than [`JOB_KEEP`] and all but the newest
    /// [`JOBS_KEPT`] finished ones. Running jobs stay.
    fn expire(map: &mut HashMap<String, JobEntry>, now: DateTime<Utc>) {
        map.retain(|_, (job, _)| job.finished_at.is_none_or(|t| now - t <= JOB_KEEP));
        let mut finished: Vec<(DateTime<Utc>, String)> = map
            .iter()
            .filter_map(|(id, (job, _))| job.finished_at.map(|t| (t, id.clone())))
            .collect();
        if finished.len() > JOBS_KEPT {
            finished.sort();
            let excess = finished.len() - JOBS_KEPT;
            for (_, id) in finished.into_iter().take(excess) {
                map.remove(&id);
            }
        }
    }

    fn insert(&self, job: ImportJob, now: DateTime<Utc>) {
        let mut map = self
            .inner
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        Self::expire(&mut map, now);
        map.insert(job.id.clone(), (job, None));
    }

    fn update(&self, id: &str, f: impl FnOnce(&mut ImportJob, &mut Option<Vec<u8>>)) {
        let mut map = self
            .inner
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        if let Some((job, report)) = map.get_mut(id) {
            f(job, report);
        }
    }

    fn get(&self, id: &str, now: DateTime<Utc>) -> Option<JobEntry> {
        let mut map = self
            .inner
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        Self::expire(&mut map, now);
        map.get(id).cloned()
    }
}

pub fn routes() -> Routes {
    Routes::new()
        .route_with("/api/imports", routes!(start_import), Guard::Admin, |m| {
            m.layer(DefaultBodyLimit::disable())
        })
        .route("/api/imports/{id}", routes!(import_status), Guard::Admin)
        .route(
            "/api/imports/{id}/report",
            routes!(import_report),
            Guard::Admin,
        )
        .route("/api/exports", routes!(export), Guard::Scoped)
}

#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
struct ImportQuery {
    name: String,
    #[serde(default)]
    dry_run: bool,
    /// Income year of a file without a 收入年度 column (default: last year).
    year: Option<i32>,
    /// Import the households without problems and return the others as the
    /// report; by default any problem refuses the whole file.
    #[serde(default)]
    skip_bad: bool,
}

fn finish(job: &mut ImportJob, status: ImportStatus, label: &'static str, now: DateTime<Utc>) {
    job.status = status;
    job.status_label = label;
    job.finished_at = Some(now);
}

#[utoipa::path(post, path = "/api/imports", tag = "数据交换", params(ImportQuery), request_body(content = Vec<u8>, content_type = "application/octet-stream", description = "xlsx 或 CSV（UTF-8 或 GBK）文件内容，全县全字段格式"), responses((status = 202, description = "已受理，返回 {job_id}；用 GET /api/imports/{id} 查询进度", body = JobStarted), (status = 403, description = "无导入权限", body = ErrorBody)))]
async fn start_import(
    State(s): State<AppState>,
    c: Caller,
    ApiQuery(q): ApiQuery<ImportQuery>,
    body: Body,
) -> Result<(StatusCode, Json<JobStarted>), ApiError> {
    // Permissions come from the session alone: a caller who may not import is
    // answered before a byte of the upload is read.
    c.access.require(perm::IMPORT)?;
    c.access.require(perm::HOUSEHOLD_WRITE)?;
    let body = axum::body::to_bytes(body, MAX_UPLOAD).await.map_err(|e| {
        let source = std::error::Error::source(&e);
        // The method path form does not type-check on a trait object.
        #[allow(clippy::redundant_closure_for_method_calls)]
        if source.is_some_and(|s| s.is::<http_body_util::LengthLimitError>()) {
            ApiError {
                status: StatusCode::PAYLOAD_TOO_LARGE,
                code: "too_large",
                message: format!("上传的文件超过{}MB上限", MAX_UPLOAD >> 20),
            }
        } else {
            ApiError::bad_request(format!("上传中断，未收到完整文件：{e}"))
        }
    })?;
    if body.is_empty() {
        return Err(ApiError::bad_request("上传的文件为空"));
    }
    let id = fangpin_store::users::random_token()?[..16].to_owned();
    let job = ImportJob {
        id: id.clone(),
        file_name: q.name.clone(),
        user_id: c.user.id.into(),
        dry_run: q.dry_run,
        status: ImportStatus::Parsing,
        status_label: "正在读取和校验",
        rows: None,
        encoding: None,
        summary: None,
        issue_count: 0,
        issues: vec![],
        warnings: vec![],
        error: None,
        failed_stage: None,
        has_report: false,
        left_out: 0,
        written: 0,
        duplicates_found: None,
        started_at: s.clock.now(),
        finished_at: None,
    };
    s.jobs.insert(job, s.clock.now());
    let jobs = s.jobs.clone();
    let clock = s.clock.clone();
    let store = s.store.clone();
    let access = c.access.clone();
    let job_id = id.clone();
    tokio::spawn(async move {
        run_import(jobs, clock, store, access, job_id, q, body).await;
    });
    Ok((StatusCode::ACCEPTED, Json(JobStarted { job_id: id })))
}

/// The number of an import job just started.
#[derive(Serialize, utoipa::ToSchema)]
struct JobStarted {
    job_id: String,
}

async fn run_import(
    jobs: Jobs,
    clock: crate::Clock,
    store: Store,
    access: Access,
    id: String,
    q: ImportQuery,
    body: axum::body::Bytes,
) {
    let ImportQuery {
        name,
        dry_run,
        year,
        skip_bad,
    } = q;
    let how = FileImport {
        name: name.clone(),
        year,
        default_year: Some(fangpin_app::exchange::default_income_year(
            clock.now().date_naive(),
        )),
        skip_bad,
        dry_run,
        note: format!("网页上传 {name}"),
        batch: 0,
    };
    let progress = |n: usize| {
        jobs.update(&id, |job, _| {
            job.status = ImportStatus::Writing;
            job.status_label = "正在写入";
            job.written = n;
        });
    };
    let outcome = fangpin_app::exchange::import_file(
        &store,
        Importer::Given(access.clone()),
        fangpin_exchange::Source::Bytes(std::sync::Arc::new(body.clone())),
        &how,
        &progress,
    )
    .await;
    let imported = match outcome {
        Ok(FileImportOutcome::Imported(i)) => *i,
        Ok(FileImportOutcome::Refused(failure)) => {
            let report = fangpin_exchange::error_report_xlsx(&name, &body, &failure.issues).ok();
            jobs.update(&id, |job, r| {
                job.rows = Some(failure.rows);
                job.encoding = failure.encoding;
                job.issue_count = failure.issues.len();
                job.issues = failure.issues.into_iter().take(ISSUES_SHOWN).collect();
                job.warnings = failure.warnings;
                job.has_report = report.is_some();
                job.error = Some(format!("文件有 {} 处问题，未导入任何数据", job.issue_count));
                job.failed_stage = Some(ImportStatus::Parsing);
                job.written = 0;
                *r = report;
                finish(job, ImportStatus::Failed, "校验未通过", clock.now());
            });
            return;
        }
        Err(e) => {
            jobs.update(&id, |job, _| {
                job.error = Some(e.to_string());
                job.failed_stage = Some(if job.written > 0 {
                    ImportStatus::Writing
                } else {
                    ImportStatus::Parsing
                });
                job.written = 0;
                finish(
                    job,
                    ImportStatus::Failed,
                    "导入失败，未写入任何数据",
                    clock.now(),
                );
            });
            return;
        }
    };
    let left_out = (imported.left_out.households > 0)
        .then(|| fangpin_exchange::left_out_xlsx(&name, &body, &imported.left_out).ok())
        .flatten();
    let summary = imported.summary;
    let dups = if dry_run {
        None
    } else {
        store.scan_duplicates(&access).await.ok()
    };
    let saved = summary.created.len() + summary.changed.len();
    if !dry_run && saved > 200 {
        // Large imports are checked for data quality after the import.
        let (store, access) = (store.clone(), access.clone());
        tokio::spawn(async move {
            if let Err(e) = store.run_quality(&access, None, chrono::Utc::now()).await {
                tracing::warn!(error = %e, "导入后的数据质量检查失败");
            }
        });
    }
    jobs.update(&id, |job, r| {
        job.rows = Some(imported.rows);
        job.encoding = imported.encoding;
        job.warnings = imported.warnings;
        job.left_out = imported.left_out.households;
        job.issue_count = imported.left_out.issues.len();
        job.issues = imported
            .left_out
            .issues
            .into_iter()
            .take(ISSUES_SHOWN)
            .collect();
        job.has_report = left_out.is_some();
        *r = left_out;
        job.summary = Some(summary);
        job.duplicates_found = dups;
        finish(
            job,
            ImportStatus::Done,
            if dry_run {
                "预演完成（未写入）"
            } else {
                "导入完成"
            },
            clock.now(),
        );
    });
}

/// A job is visible to the user who started it only.
fn own_job(s: &AppState, c: &Caller, id: &str) -> Result<JobEntry, ApiError> {
    match s.jobs.get(id, s.clock.now()) {
        Some((job, report)) if job.user_id == Some(c.user.id) => Ok((job, report)),
        _ => Err(ApiError::not_found(format!("导入任务不存在：{id}"))),
    }
}

#[utoipa::path(get, path = "/api/imports/{id}", tag = "数据交换", params(("id" = String, Path, description = "导入任务编号")), responses((status = 200, description = "导入任务状态、结果或错误清单", body = ImportJob), (status = 404, description = "任务不存在（仅创建者可见）", body = ErrorBody)))]
async fn import_status(
    State(s): State<AppState>,
    c: Caller,
    ApiPath(id): ApiPath<String>,
) -> Result<Json<ImportJob>, ApiError> {
    Ok(Json(own_job(&s, &c, &id)?.0))
}

fn attachment(name: &str) -> String {
    // RFC 5987 encoding keeps Chinese file names intact.
    let mut enc = String::new();
    for b in name.as_bytes() {
        if b.is_ascii_alphanumeric() || b"-._~".contains(b) {
            enc.push(*b as char);
        } else {
            enc.push_str(&format!("%{b:02X}"));
        }
    }
    format!("attachment; filename=\"export\"; filename*=UTF-8''{enc}")
}

const XLSX: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

#[utoipa::path(get, path = "/api/imports/{id}/report", tag = "数据交换", params(("id" = String, Path, description = "导入任务编号")), responses((status = 200, description = "错误报告 xlsx（问题单元格标红，另附错误清单）", content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", body = Vec<u8>), (status = 404, description = "没有错误报告", body = ErrorBody)))]
async fn import_report(
    State(s): State<AppState>,
    c: Caller,
    ApiPath(id): ApiPath<String>,
) -> Result<Response, ApiError> {
    let (job, report) = own_job(&s, &c, &id)?;
    let bytes = report.ok_or_else(|| ApiError::not_found("该导入任务没有错误报告"))?;
    let stem = job
        .file_name
        .rsplit_once('.')
        .map_or(job.file_name.as_str(), |(a, _)| a);
    let file = if job.left_out > 0 {
        format!("{}.未导入.xlsx", job.file_name)
    } else {
        format!("{stem}.错误报告.xlsx")
    };
    Ok((
        [
            (header::CONTENT_TYPE, XLSX.to_owned()),
            (header::CONTENT_DISPOSITION, attachment(&file)),
        ],
        bytes,
    )
        .into_response())
}

#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
struct ExportQuery {
    format: Option<String>,
    area: Option<String>,
    year: Option<i32>,
    #[serde(default)]
    unmasked: bool,
}

#[utoipa::path(get, path = "/api/exports", tag = "数据交换", params(ExportQuery), responses((status = 200, description = "全县全字段格式的 xlsx 或 CSV（带 BOM）文件，证件号默认脱敏；完整证件号需要权限并记入审计", content((Vec<u8> = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"), (Vec<u8> = "text/csv"))), (status = 403, description = "无导出权限", body = ErrorBody)))]
async fn export(
    State(s): State<AppState>,
    c: Caller,
    ApiQuery(q): ApiQuery<ExportQuery>,
) -> Result<Response, ApiError> {
    c.access.require(perm::EXPORT)?;
    if q.unmasked {
        c.access.require(perm::ID_UNMASK)?;
    }
    let csv = match q.format.as_deref().unwrap_or("xlsx") {
        "xlsx" => false,
        "csv" => true,
        other => {
            return Err(ApiError::bad_request(format!(
                "参数 format 无效：{other}（应为 xlsx 或 csv）"
            )));
        }
    };
    let area = match q.area.as_deref().filter(|a| !a.is_empty()) {
        Some(a) => {
            Some(AreaCode::parse(a).map_err(|e| ApiError::bad_request(format!("参数 area：{e}")))?)
        }
        None => None,
    };
    let filter = HouseholdFilter {
        area,
        ..Default::default()
    };
    // Built in a temporary file (constant memory), then streamed.
    let tmp = std::env::temp_dir().join(format!(
        "fangpin-export-{}",
        fangpin_store::users::random_token()?
    ));
    let file = std::fs::File::create(&tmp)
        .map_err(|e| ApiError::bad_request(format!("无法创建导出文件：{e}")))?;
    let written = fangpin_app::exchange::write_export(
        &s.store,
        &c.access,
        &filter,
        q.year,
        q.unmasked,
        csv,
        std::io::BufWriter::new(file),
    )
    .await
    .map_err(ApiError::from);
    let result = match written {
        Ok(_) => tokio::fs::File::open(&tmp)
            .await
            .map_err(|e| ApiError::bad_request(format!("导出文件读取失败：{e}"))),
        Err(e) => Err(e),
    };
    // The open handle keeps the data readable after the name is removed.
    std::fs::remove_file(&tmp).ok();
    let file = result?;
    let stream = tokio_util::io::ReaderStream::new(file);
    let name = format!(
        "农户全字段导出_{}.{}",
        Utc::now().format("%Y%m%d"),
        if csv { "csv" } else { "xlsx" }
    );
    Ok((
        [
            (
                header::CONTENT_TYPE,
                if csv { "text/csv; charset=utf-8" } else { XLSX }.to_owned(),
            ),
            (header::CONTENT_DISPOSITION, attachment(&name)),
        ],
        Body::from_stream(stream),
    )
        .into_response())
}
