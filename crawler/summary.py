"""What a crawl run found and why, in the words its users read (Chinese, Beijing time)."""

from __future__ import annotations

from fakegov.clock import beijing, parse
from store import queries
from store.queries import OPERATOR_KINDS
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
        # A rendered page repeats the raw page's signals: each reason once, at its strongest.
        site["reasons"] = [row["zh"] for row in store.db.query(
            "SELECT code, max(points) AS points, zh FROM signals WHERE capture_id = ? AND points > 0 "
            "GROUP BY code ORDER BY points DESC LIMIT 3", [site["verdict_capture_id"]])]
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
    if run["kind"] == "render":
        lines.append(f"浏览器截图 {counts.get('rendered', 0)} 页，空白页 {counts.get('blank', 0)}，"
                     f"与官方页面外观相近 {counts.get('visual', 0)}，出错 {counts.get('error', 0)}")
    else:
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


SOURCE_ZH = {"search": "搜索引擎", "permute": "仿冒域名生成", "ct": "证书透明度日志", "tip": "举报线索", "pivot": "拓线",
             "redirect": "跳转", "recheck": "复查", "link": "链接", "form": "表单提交"}
INDICATOR_ZH = {"mobile": "手机号", "landline": "固定电话", "qq": "QQ", "wechat": "微信号", "email": "邮箱",
                "baidu-tongji": "百度统计ID", "cnzz": "CNZZ统计ID", "51la": "51.la统计ID",
                "form-action-host": "共用查询后台", "registrant": "注册人", "ip": "IP地址"}


def demo_summary_lines(store: Store, run_ids: list[int]) -> list[str]:
    """What several runs found together and why: channels, verdicts, flagged sites, gangs, evidence."""
    db = store.db
    marks = ", ".join("?" * len(run_ids))
    lines = ["", "== 各次运行 =="]
    for run_id in run_ids:
        lines.extend(summary_lines(store, run_id)[:2])
    lines += ["", "== 发现途径（站点数）=="]
    channels = db.execute(f"SELECT source, count(DISTINCT site_id) FROM discoveries WHERE run_id IN ({marks}) "
                          f"GROUP BY source ORDER BY 2 DESC", run_ids).fetchall()
    lines.append(" · ".join(f"{SOURCE_ZH.get(source, source)} {n}" for source, n in channels))
    verdicts = db.execute(f"SELECT verdict, count(*) FROM sites WHERE id IN (SELECT site_id FROM captures WHERE "
                          f"run_id IN ({marks})) GROUP BY verdict ORDER BY 2 DESC", run_ids).fetchall()
    lines += ["", "== 判定（站点数）==",
              " · ".join(f"{VERDICT_ZH.get(verdict, verdict or '未判定')} {n}" for verdict, n in verdicts)]
    lines += ["", "== 假冒或可疑站点：分数、判定、站点、类型、发现途径、主要理由 =="]
    for site in flagged_sites(store, limit=100):
        sources = [row[0] for row in db.execute("SELECT DISTINCT source FROM discoveries WHERE site_id = ?",
                                                [site["id"]])]
        found = "、".join(SOURCE_ZH.get(source, source) for source in sources)
        lines.append(f"  {site['score']:>3}  {VERDICT_ZH.get(site['verdict'], site['verdict'])}  {site['site_key']}  "
                     f"{site['kind'] or ''}  [{found}]  {'；'.join(site['reasons'][:2])}")
    groups = queries.shared_indicators(db, OPERATOR_KINDS + ("ip",))
    if groups:
        lines += ["", "== 团伙线索：多个可疑站点共用的联系方式、统计ID、后台、注册人或IP =="]
        for group in groups[:20]:
            lines.append(f"  {INDICATOR_ZH.get(group['kind'], group['kind'])} {group['value']}：{'、'.join(group['sites'])}")
    evidence = db.execute("SELECT count(*), coalesce(sum(size), 0) FROM evidence_files").fetchone()
    lines += ["", "== 证据 ==",
              f"数据库：{store.root / 'fakegov.sqlite'}",
              f"证据文件：{evidence[0]} 个，共 {evidence[1] / 1e6:.1f} MB（按 SHA-256 存放于 {store.evidence.root}，另记 SM3）",
              f"WARC：{store.warc_dir}（每次运行一个文件）"]
    return lines
