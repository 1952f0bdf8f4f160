"""Read-only access to the research warehouse from a notebook.

A notebook started from the console reaches the data through the console's API with this session's own API key
(RESEARCH_URL, RESEARCH_API_KEY: read-only scopes, revoked when the session stops). One started by
`research notebooks start` runs the local `research query` command (RESEARCH_CLI) unless it was given a console URL
and key too. Either way a query is one read-only SELECT over the current dataset versions, with the explorer's
limits (time, rows, size); every query is audited under the notebook's owner.

    import research_notebook as rn
    rn.info()
    df = rn.query("select date, mktrf, rf from famafrench.factors_daily")
    rn.backtests(); rn.returns(job_id); rn.trades(job_id)
"""
import io
import json
import os
import re
import subprocess
import tempfile
import urllib.error
import urllib.parse
import urllib.request

import pandas as pd

__all__ = ["ResearchError", "info", "query", "backtests", "backtest", "returns", "trades"]

_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


class ResearchError(RuntimeError):
    """A refused or failed request, with the platform's reason."""


def _api():
    url, key = os.environ.get("RESEARCH_URL"), os.environ.get("RESEARCH_API_KEY")
    return (url.rstrip("/"), key) if url and key else None


def info():
    """Where this notebook reads from, as a line of text."""
    api = _api()
    via = f"the console at {api[0]} (API key of this session)" if api else "the local research command"
    return f"owner {os.environ.get('RESEARCH_NOTEBOOK_OWNER', '?')}; warehouse {os.environ.get('RESEARCH_WAREHOUSE', '?')}; queries through {via}"


def _get(path, **params):
    url, key = _api()
    query = urllib.parse.urlencode({k: v for k, v in params.items() if v is not None})
    request = urllib.request.Request(f"{url}{path}" + (f"?{query}" if query else ""), headers={"Authorization": f"Bearer {key}"})
    try:
        with urllib.request.urlopen(request, timeout=120) as answer:
            return answer.read().decode("utf-8")
    except urllib.error.HTTPError as e:
        body = e.read().decode("utf-8", "replace").strip()
        try:
            body = json.loads(body).get("error", body)
        except (ValueError, AttributeError):
            pass
        raise ResearchError(f"{e.code} {path}: {body or e.reason}") from None
    except urllib.error.URLError as e:
        raise ResearchError(f"the console at {url} did not answer: {e.reason}") from None


def _frame(text):
    frame = pd.read_csv(io.StringIO(text), keep_default_na=False, na_values=[""])
    for column in frame.columns:
        values = frame[column].dropna()
        if frame[column].dtype == object and len(values) and values.astype(str).str.match(_DATE).all():
            frame[column] = pd.to_datetime(frame[column], format="%Y-%m-%d")
    return frame


def query(sql, versions=None):
    """One read-only SELECT over the warehouse (views named schema.table: crsp.daily, famafrench.factors_daily, ...)
    as a DataFrame; DATE columns become datetimes, NULL becomes NaN. versions pins datasets: {"crsp/daily": "v..."}."""
    pins = ",".join(f"{k}={v}" for k, v in (versions or {}).items()) or None
    if _api():
        return _frame(_get("/api/warehouse/export", sql=sql, format="csv", versions=pins))
    cli = os.environ.get("RESEARCH_CLI")
    if not cli:
        raise ResearchError("no way to query: this notebook was started without RESEARCH_URL/RESEARCH_API_KEY or RESEARCH_CLI")
    with tempfile.TemporaryDirectory() as tmp:
        out = os.path.join(tmp, "result.csv")
        args = json.loads(cli) + ["query", sql, "--output", out, "--max-rows", "200000"]
        if pins:
            raise ResearchError("versions are pinned through the console's API; the local command reads current versions")
        done = subprocess.run(args, capture_output=True, text=True)
        if done.returncode != 0:
            said = [line.strip() for line in (done.stderr + "\n" + done.stdout).splitlines() if line.strip()]
            raise ResearchError(f"research query exited {done.returncode}: " + (said[0] if said else "no message"))
        with open(out, encoding="utf-8") as f:
            return _frame(f.read())


def _need_api(what):
    if not _api():
        raise ResearchError(f"{what} are read through the console: start the notebook from the console (or give "
                            "`research notebooks start` --console URL and --api-key KEY)")


def backtests(limit=100):
    """Backtest jobs, newest first: id, state, kind, label, submitted and finished times."""
    _need_api("backtests")
    rows = json.loads(_get("/api/backtests", limit=limit))
    return pd.DataFrame(rows)


def backtest(job):
    """A job's status, submission and stored result (metrics, data versions) as a dict."""
    _need_api("backtests")
    return json.loads(_get(f"/api/backtests/{urllib.parse.quote(job)}"))


def returns(job):
    """A result's daily net returns, wealth (from 1) and drawdown, indexed by date."""
    _need_api("backtests")
    return _frame(_get(f"/api/backtests/{urllib.parse.quote(job)}/returns.csv")).set_index("date")


def trades(job):
    """A result's trades (date, permno, ticker, weights before and after, cost, ...)."""
    _need_api("backtests")
    return _frame(_get(f"/api/backtests/{urllib.parse.quote(job)}/trades.csv"))
