"""What a crawl run found and why, in the words its users read (Chinese, Beijing time)."""

from __future__ import annotations

from fakegov.clock import beijing, parse
from store import queries
from store.store import Store

VERDICT_ZH = {"fake": "假冒", "suspicious": "可疑", "official": "官方", "benign": "正常", "lookalike": "仿冒域名",
              "unrelated": "无关"}


def flagged_sites(store: Store, run_id: int | None = None, limit: int = 50) -> list[dict]:
    """Sites judged fake or suspicious (in one run, or all), best first, each with its top reasons."""
    where = "s.verdict IN ('fake', 'suspicious')"
    params: list = []
    if run_id is not None:
        where += " AND s.id IN (SELECT site_id FROM captures WHERE run_id = ?)"
        params.append(run_id)
    sites = list(store.db.query(
        f"SELECT s.id, s.site_key, s.score, s.verdict, s.kind, s.target, s.status, s.verdict_capture_id "
        f"FROM sites s WHERE {where} ORDER BY s.score DESC, s.site_key LIMIT ?", params + [limit]))
    for site in sites:
        site["reasons"] = [row["zh"] for row in store.db.query(
            "SELECT zh FROM signals WHERE capture_id = ? AND points > 0 ORDER BY points DESC LIMIT 3",
            [site["verdict_capture_id"]])]
    return sites


def summary_lines(store: Store, run_id: int) -> list[str]:
    run = queries.get_run(store.db, run_id)
    counts = run["counts"]
    took = ""
    if run["finished_at"]:
        took = f"，用时 {(parse(run['finished_at']) - parse(run['started_at'])).total_seconds():.1f} 秒"
    status = {"finished": "完成", "interrupted": "已中断（可用 fakegov crawl resume 继续）",
              "failed": "失败", "running": "进行中"}[run["status"]]
    lines = [f"运行 {run_id}（{run['kind']}）{status}{took}，开始于 {beijing(run['started_at'])}"]
    fetched = {role: counts.get(role, 0) for role in ("serp", "entry", "hop", "page", "canary", "recheck",
                                                      "favicon", "resource", "ct", "link")}
    lines.append("抓取：" + " · ".join(f"{role} {n}" for role, n in fetched.items() if n)
                 + f"；页面入库 {counts.get('stored', 0)}，出错 {counts.get('error', 0)}")
    sites = store.db.execute("SELECT count(DISTINCT site_id) FROM captures WHERE run_id = ?", [run_id]).fetchone()[0]
    flagged = flagged_sites(store, run_id)
    lines.append(f"站点：本次抓取 {sites} 个，判定假冒或可疑 {len(flagged)} 个")
    for site in flagged:
        reason = "；".join(site["reasons"][:2])
        lines.append(f"  {site['score']:>3}  {VERDICT_ZH.get(site['verdict'], site['verdict'])}  "
                     f"{site['site_key']}  {site['kind'] or ''}  {reason}")
    for note in run["notes"]:
        lines.append(f"注意：{note}")
    if run["errors"]:
        lines.append(f"错误（前 5 条，共 {len(run['errors'])} 条）：")
        lines.extend(f"  {line}" for line in run["errors"][:5])
    if run["warc"]:
        lines.append(f"WARC：{store.root / run['warc']}")
    return lines


def print_summary(store: Store, run_id: int) -> None:
    print("\n".join(summary_lines(store, run_id)))
