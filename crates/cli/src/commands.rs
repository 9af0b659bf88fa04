//! [`run`]: what each command does.

use anyhow::{Context, Result};
use fangpin_store::Store;

use crate::{
    AreasCommand, AuditCommand, Cli, Command, DEFAULT_DB, DEFAULT_DEMO_DB, DemoLaunch, Launch,
    Outcome, areas, demo, exchange, fixed_now, keys, open, open_for, redact,
};

/// Carries out `cli`'s command.
pub async fn run(cli: Cli) -> Result<Outcome> {
    match cli.command {
        Command::Serve { db, serve } => {
            let key = keys::load(db.key_file.as_deref())?;
            let store = open(db.database_url.as_deref().unwrap_or(DEFAULT_DB), &key).await?;
            Ok(Outcome::Serve(Launch {
                store,
                serve,
                demo: None,
            }))
        }
        Command::Demo {
            db,
            serve,
            seed,
            households,
            reset,
            no_serve,
        } => {
            let url = db
                .database_url
                .unwrap_or_else(|| DEFAULT_DEMO_DB.to_owned());
            let key = match db.key_file.as_deref() {
                Some(_) => keys::load(db.key_file.as_deref())?,
                None if std::env::var_os(keys::KEY_ENV).is_some() => keys::load(None)?,
                // The demo keeps its own key next to its database.
                None => keys::load_or_create(&keys::demo_key_path(&url))?,
            };
            let store = open(&url, &key).await?;
            demo::ensure_demo(&store, seed, households, reset).await?;
            if no_serve {
                return Ok(Outcome::Done);
            }
            let banner = demo::banner(&store).await?;
            let fixed_now = fixed_now()?;
            Ok(Outcome::Serve(Launch {
                store,
                serve,
                demo: Some(DemoLaunch {
                    password: demo::DEMO_PASSWORD,
                    banner,
                    fixed_now,
                }),
            }))
        }
        Command::Areas {
            command: AreasCommand::Load { db, code },
        } => {
            let store = open_for(&db).await?;
            let started = std::time::Instant::now();
            let report = areas::load(&store, &code).await?;
            print!("{}", areas::render(&report));
            println!("用时 {:.2} 秒", started.elapsed().as_secs_f64());
            Ok(Outcome::Done)
        }
        Command::Migrate { db } => {
            let store = open_for(&db).await?;
            let applied = store.applied_migrations().await?;
            println!("已应用的迁移：{}", applied.len());
            for m in applied {
                println!("  {m}");
            }
            Ok(Outcome::Done)
        }
        Command::Import {
            db,
            file,
            dry_run,
            year,
            skip_bad,
        } => {
            let store = open_for(&db).await?;
            let how = exchange::ImportHow {
                dry_run,
                year,
                skip_bad,
            };
            exchange::import(&store, &file, how).await?;
            Ok(Outcome::Done)
        }
        Command::Export {
            db,
            out,
            area,
            year,
            unmasked,
        } => {
            let store = open_for(&db).await?;
            exchange::export(&store, &out, area.as_deref(), year, unmasked).await?;
            Ok(Outcome::Done)
        }
        Command::Screen {
            feed,
            feed_type,
            registry,
            out,
            as_of,
            review,
            rules,
            unmasked,
        } => {
            let as_of = match as_of {
                Some(d) => d,
                None => fangpin_store::calendar::china_day(
                    crate::fixed_now()?.unwrap_or_else(chrono::Utc::now),
                ),
            };
            crate::screen::run(&crate::screen::Job {
                feed: &feed,
                feed_type: &feed_type,
                registry: &registry,
                out: &out,
                as_of,
                review: review.as_deref(),
                rules: &rules,
                unmasked,
            })?;
            Ok(Outcome::Done)
        }
        Command::Whatif {
            db,
            area,
            year,
            line,
            rigid_pct,
            drop_pct,
            repeat,
        } => {
            let store = open_for(&db).await?;
            let line = line
                .map(|l| fangpin_domain::Money::parse(&l))
                .transpose()
                .context("--line 无效")?;
            exchange::what_if(
                &store,
                area.as_deref(),
                year,
                line,
                rigid_pct,
                drop_pct,
                repeat,
            )
            .await?;
            Ok(Outcome::Done)
        }
        Command::UserAdd {
            db,
            username,
            display_name,
            role,
            area,
            department,
        } => {
            let key = keys::load(db.key_file.as_deref())?;
            let store = open(db.database_url.as_deref().unwrap_or(DEFAULT_DB), &key).await?;
            let area = fangpin_domain::AreaCode::parse(&area).context("--area 无效")?;
            let password = format!("Fp{}", &fangpin_store::users::random_token()?[..12]);
            let id = store
                .create_user(
                    &fangpin_store::Actor::system("命令行"),
                    &fangpin_store::NewUser {
                        username: username.clone(),
                        display_name,
                        password: password.clone(),
                        role,
                        area,
                        department,
                        must_change_password: true,
                        demo_seeded: false,
                    },
                )
                .await?;
            println!("已创建用户 {username}（编号 {id}），初始密码：{password}（首次登录须修改）");
            Ok(Outcome::Done)
        }
        Command::TokenCreate {
            db,
            user,
            name,
            days,
        } => {
            let store = open_for(&db).await?;
            let t = store
                .create_api_token_for(
                    &fangpin_store::Actor::system("命令行"),
                    &user,
                    &name,
                    days,
                    chrono::Utc::now(),
                )
                .await?;
            println!("{}", t.token);
            let until = t.expires_at.with_timezone(&china_offset());
            eprintln!(
                "令牌编号 {}，有效期至 {}（北京时间）。这是令牌唯一一次显示，请妥善保存；调用接口时使用 Authorization: Bearer 令牌",
                t.id,
                until.format("%Y-%m-%d %H:%M")
            );
            Ok(Outcome::Done)
        }
        Command::TokenRevoke { db, id, name, user } => {
            let store = open_for(&db).await?;
            let which = match (id, name) {
                (Some(id), _) => fangpin_store::tokens::TokenRef::Id(id),
                (None, Some(name)) => fangpin_store::tokens::TokenRef::Name { name, user },
                (None, None) => anyhow::bail!("请用 --id 或 --name 指定要撤销的令牌"),
            };
            let t = store
                .revoke_api_token_cli(
                    &fangpin_store::Actor::system("命令行"),
                    &which,
                    chrono::Utc::now(),
                )
                .await?;
            println!(
                "已撤销令牌 {}（{}，用户 {}）；此后使用它的请求一律拒绝",
                t.id, t.name, t.username
            );
            Ok(Outcome::Done)
        }
        Command::Audit {
            command: AuditCommand::Verify { db, anchor },
        } => {
            let key = keys::load(db.key_file.as_deref())?;
            let url = db.database_url.as_deref().unwrap_or(DEFAULT_DB);
            let store = Store::open(url, &key)
                .await
                .with_context(|| format!("无法打开数据库 {}", redact(url)))?;
            store.migrate().await.context("数据库准备失败")?;
            let report = store.verify_audit().await?;
            if let (None, Some(anchor)) = (&report.broken, anchor) {
                let (seq, hash) = anchor
                    .split_once(':')
                    .and_then(|(s, h)| Some((s.trim().parse::<i64>().ok()?, h.trim())))
                    .context("--anchor 应为 序号:哈希，例如 12345:5825d7f6…")?;
                match store.audit_chain_hash_at(seq).await? {
                    Some(stored) if stored.eq_ignore_ascii_case(hash) => {}
                    Some(_) => anyhow::bail!(
                        "审计日志校验未通过：第 {seq} 条的哈希与记下的不符，此前的记录被改写过（整条链被重新计算）"
                    ),
                    None => anyhow::bail!(
                        "审计日志校验未通过：记下的第 {seq} 条已不在审计链中（现在只有 {} 条）",
                        report.entries
                    ),
                }
            }
            match report.broken {
                None => {
                    println!(
                        "OK 审计日志完好：共 {} 条，链尾第 {} 条的哈希 {}",
                        report.entries, report.head_seq, report.head_hash
                    );
                    Ok(Outcome::Done)
                }
                Some(b) => {
                    anyhow::bail!("审计日志校验未通过：{b}（此前 {} 条完好）", report.entries)
                }
            }
        }
        Command::Backup { database_url, out } => {
            let url = database_url.as_deref().unwrap_or(DEFAULT_DB);
            let info = fangpin_store::backup::backup(url, &out, None)
                .await
                .with_context(|| format!("备份 {} 失败", redact(url)))?;
            println!(
                "已备份 {} 数据库到 {}（{:.1} MB）",
                info.engine,
                info.path.display(),
                info.bytes as f64 / 1_048_576.0
            );
            eprintln!(
                "备份不含数据加密密钥：请另行妥善保存密钥文件，不要与备份放在一起；恢复时需要它"
            );
            Ok(Outcome::Done)
        }
        Command::Restore { db, file, force } => {
            let key = keys::load(db.key_file.as_deref())?;
            let url = db.database_url.as_deref().unwrap_or(DEFAULT_DB);
            let report = fangpin_store::backup::restore(
                &file,
                url,
                &key,
                &fangpin_store::backup::RestoreOptions {
                    force,
                    pg_schema: None,
                },
            )
            .await
            .with_context(|| format!("从 {} 恢复失败", file.display()))?;
            let rows: u64 = report.tables.iter().map(|(_, n)| n).sum();
            println!(
                "已恢复到 {}：{} 张表，共 {} 行",
                redact(url),
                report.tables.len(),
                rows
            );
            for (table, n) in &report.tables {
                println!("  {table:<28} {n}");
            }
            println!("完整性检查：{}", report.integrity);
            println!("密钥：与数据库匹配");
            println!(
                "审计日志：完好，共 {} 条，链尾哈希 {}",
                report.audit.entries, report.audit.head_hash
            );
            Ok(Outcome::Done)
        }
        Command::Keygen { out } => {
            keys::create(&out)?;
            println!(
                "已生成数据加密密钥：{}（请妥善备份；丢失后已加密的证件号码无法恢复）",
                out.display()
            );
            Ok(Outcome::Done)
        }
    }
}

/// China Standard Time, for dates printed to people.
fn china_offset() -> chrono::FixedOffset {
    chrono::FixedOffset::east_opt(8 * 3600).expect("valid offset")
}
