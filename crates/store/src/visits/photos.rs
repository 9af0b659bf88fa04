//! The photos of a visit: room left, upload, reading and removal.

use super::*;
use crate::sql::insert_returning_id;

const PHOTO_COLUMNS: [&str; 8] = [
    "id",
    "visit_id",
    "content_type",
    "size",
    "sha256",
    "file_name",
    "uploaded_by_name",
    "created_at",
];

fn photo_of(r: &QueryResult) -> Result<PhotoMeta> {
    Ok(PhotoMeta {
        id: r.try_get("", "id")?,
        visit_id: r.try_get("", "visit_id")?,
        content_type: r.try_get("", "content_type")?,
        size: r.try_get("", "size")?,
        sha256: r.try_get::<String>("", "sha256")?.trim().to_owned(),
        file_name: r.try_get("", "file_name")?,
        uploaded_by_name: r.try_get("", "uploaded_by_name")?,
        created_at: r.try_get("", "created_at")?,
    })
}

/// Fills in the photos (without bytes) of the visits, one query.
pub(super) async fn attach_photos<C: ConnectionTrait>(
    conn: &C,
    rows: &mut [VisitRow],
) -> Result<()> {
    if rows.is_empty() {
        return Ok(());
    }
    let mut q = Query::select();
    q.columns(PHOTO_COLUMNS)
        .from("visit_photo")
        .and_where(Expr::col("visit_id").is_in(rows.iter().map(|r| r.id)))
        .order_by("id", Order::Asc);
    let mut by_visit: HashMap<i64, Vec<PhotoMeta>> = HashMap::new();
    for r in conn.query_all(&q).await? {
        let p = photo_of(&r)?;
        by_visit.entry(p.visit_id).or_default().push(p);
    }
    for row in rows {
        row.photos = by_visit.remove(&row.id).unwrap_or_default();
    }
    Ok(())
}

fn sha256_hex(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

impl Store {
    /// The photo limits of a visit in the caller's area, for a caller who
    /// may add photos, and how many it has (an upload can stop reading a
    /// request as soon as it exceeds them).
    pub async fn visit_photo_room(
        &self,
        access: &Access,
        visit_id: i64,
        now: DateTime<Utc>,
    ) -> Result<PhotoRoom> {
        require_visitor(access)?;
        access.require(perm::HOUSEHOLD_READ)?;
        let v = self.visit_in(&self.db, access, visit_id).await?;
        self.photo_room(&v, now).await
    }

    pub(super) async fn photo_room(&self, v: &VisitRow, now: DateTime<Utc>) -> Result<PhotoRoom> {
        let policy = self.policy_set().await?;
        let limits = PhotoLimits::resolve(&policy, &area_of(&v.area_code)?, china_day(now).year())
            .map_err(|e| StoreError::Invalid(e.to_string()))?;
        Ok(PhotoRoom {
            limits,
            existing: v.photos.len() as i64,
        })
    }

    /// Adds photos to a visit of the caller's area (村级 or 帮扶责任人): all
    /// of them or none. Each must be a JPEG, PNG or WebP image by its bytes
    /// and within the area's size limit, and the visit must not go over its
    /// number of photos. One transaction with its audit entry.
    pub async fn add_visit_photos(
        &self,
        access: &Access,
        visit_id: i64,
        photos: Vec<PhotoUpload>,
        now: DateTime<Utc>,
    ) -> Result<Vec<PhotoMeta>> {
        require_visitor(access)?;
        access.require(perm::HOUSEHOLD_READ)?;
        let tx = self.begin_write().await?;
        if self.engine == Engine::Postgres {
            // Two uploads to one visit cannot both pass the count.
            let mut q = Query::select();
            q.column("id")
                .from("visit")
                .and_where(Expr::col("id").eq(visit_id))
                .lock(LockType::Update);
            tx.query_one(&q).await?;
        }
        let v = self.visit_in(&tx, access, visit_id).await?;
        if photos.is_empty() {
            return Err(StoreError::Invalid("请选择要上传的照片".into()));
        }
        let room = self.photo_room(&v, now).await?;
        let invalid = |e: fangpin_domain::visits::VisitError| StoreError::Invalid(e.to_string());
        room.limits
            .check_count(room.existing, photos.len() as i64)
            .map_err(invalid)?;
        let mut checked = Vec::with_capacity(photos.len());
        for p in &photos {
            let kind = room.limits.check(&p.file_name, &p.bytes).map_err(invalid)?;
            checked.push((kind, display_name(&p.file_name), sha256_hex(&p.bytes)));
        }
        let mut added = Vec::with_capacity(photos.len());
        for (p, (kind, name, sha)) in photos.iter().zip(&checked) {
            let row = vec![
                ("visit_id", visit_id.into()),
                ("area_code", v.area_code.clone().into()),
                ("content_type", kind.mime().into()),
                ("size", (p.bytes.len() as i64).into()),
                ("sha256", sha.clone().into()),
                ("file_name", name.clone().into()),
                ("data", p.bytes.clone().into()),
                ("uploaded_by", access.user_id.into()),
                ("uploaded_by_name", access.username.clone().into()),
                ("created_at", now.fixed_offset().into()),
            ];
            let id = insert_returning_id(&tx, "visit_photo", row, "新照片").await?;
            added.push(PhotoMeta {
                id,
                visit_id,
                content_type: kind.mime().to_owned(),
                size: p.bytes.len() as i64,
                sha256: sha.clone(),
                file_name: name.clone(),
                uploaded_by_name: access.username.clone(),
                created_at: now.fixed_offset(),
            });
        }
        commit_audited(
            tx,
            &access.actor(),
            AuditEntry {
                action: "visit_photo_add",
                entity: "visit",
                entity_key: Some(visit_id.to_string()),
                area: Some(area_of(&v.area_code)?),
                after: Some(json!({
                    "household_no": v.household_no,
                    "photos": added.iter().map(|p| json!({
                        "id": p.id,
                        "content_type": p.content_type,
                        "size": p.size,
                        "sha256": p.sha256,
                        "file_name": p.file_name,
                    })).collect::<Vec<_>>(),
                })),
                ..Default::default()
            },
        )
        .await?;
        Ok(added)
    }

    /// One photo of a visit in the caller's area, with its bytes; each read
    /// is audited (photos show people and their homes).
    pub async fn visit_photo(
        &self,
        access: &Access,
        visit_id: i64,
        photo_id: i64,
    ) -> Result<PhotoFile> {
        access.require(perm::HOUSEHOLD_READ)?;
        let r = self
            .photo_in_scope(access, visit_id, photo_id, "data")
            .await?;
        let meta = photo_of(&r)?;
        let bytes: Vec<u8> = r.try_get("", "data")?;
        let area = area_of(&r.try_get::<String>("", "area_code")?)?;
        self.audit(
            &access.actor(),
            AuditEntry {
                action: "visit_photo_read",
                entity: "visit_photo",
                entity_key: Some(photo_id.to_string()),
                area: Some(area),
                after: Some(json!({"visit_id": visit_id, "sha256": meta.sha256})),
                ..Default::default()
            },
        )
        .await?;
        Ok(PhotoFile { meta, bytes })
    }

    /// The row of a photo of `visit_id` in the caller's area, with its
    /// metadata, area and the column `extra`; outside the area it does not
    /// exist.
    pub(super) async fn photo_in_scope(
        &self,
        access: &Access,
        visit_id: i64,
        photo_id: i64,
        extra: &'static str,
    ) -> Result<QueryResult> {
        // The photo is in scope when its visit is (a 帮扶责任人's pairings).
        self.visit_in(&self.db, access, visit_id).await?;
        let mut q = Query::select();
        q.columns(PHOTO_COLUMNS)
            .columns([extra, "area_code"])
            .from("visit_photo")
            .and_where(Expr::col("id").eq(photo_id))
            .and_where(Expr::col("visit_id").eq(visit_id));
        self.db
            .query_one(&q)
            .await?
            .ok_or_else(|| not_found("照片", photo_id))
    }

    /// Removes a photo its uploader attached by mistake (another household,
    /// a wrong picture), with a reason. The bytes go; the audit entry keeps
    /// what the photo was (type, size, SHA-256, file name) and the reason.
    pub async fn remove_visit_photo(
        &self,
        access: &Access,
        visit_id: i64,
        photo_id: i64,
        reason: &str,
    ) -> Result<()> {
        require_visitor(access)?;
        access.require(perm::HOUSEHOLD_READ)?;
        let r = self
            .photo_in_scope(access, visit_id, photo_id, "uploaded_by")
            .await?;
        let meta = photo_of(&r)?;
        let uploader: Option<i64> = r.try_get("", "uploaded_by")?;
        if uploader.is_none() || uploader != access.user_id {
            return Err(StoreError::Forbidden(format!(
                "只能删除本人上传的照片（此照片由{}上传）",
                meta.uploaded_by_name
            )));
        }
        let reason = reason.trim();
        if reason.is_empty() {
            return Err(StoreError::Invalid("删除原因不能为空".into()));
        }
        if reason.chars().count() > 200 {
            return Err(StoreError::Invalid("删除原因不能超过200字".into()));
        }
        let area = area_of(&r.try_get::<String>("", "area_code")?)?;
        let tx = self.begin_write().await?;
        let mut del = Query::delete();
        del.from_table("visit_photo")
            .and_where(Expr::col("id").eq(photo_id));
        tx.execute(&del).await?;
        commit_audited(
            tx,
            &access.actor(),
            AuditEntry {
                action: "visit_photo_remove",
                entity: "visit_photo",
                entity_key: Some(photo_id.to_string()),
                area: Some(area),
                before: Some(json!({
                    "visit_id": visit_id,
                    "content_type": meta.content_type,
                    "size": meta.size,
                    "sha256": meta.sha256,
                    "file_name": meta.file_name,
                })),
                note: Some(reason.to_owned()),
                ..Default::default()
            },
        )
        .await
    }
}
