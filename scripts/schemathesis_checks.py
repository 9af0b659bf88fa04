"""Schemathesis check for fangpin (loaded by scripts/schemathesis.sh through
SCHEMATHESIS_HOOKS): every refusal is a 4xx whose JSON body has a `message`
in Chinese, never a 5xx, an empty body or an English framework text."""

import re

import schemathesis

CJK = re.compile(r"[\u4e00-\u9fff]")


@schemathesis.check
def chinese_refusal(ctx, response, case):
    status = response.status_code
    if status < 400:
        return None
    if status >= 500:
        raise AssertionError(f"{status}：服务器错误（应为 4xx 拒绝）")
    try:
        body = response.json()
    except Exception:
        raise AssertionError(
            f"{status} 拒绝不是 JSON：{response.text[:200]!r}"
        ) from None
    message = body.get("message") if isinstance(body, dict) else None
    if not isinstance(message, str) or not CJK.search(message):
        raise AssertionError(f"{status} 拒绝没有中文 message：{str(body)[:200]}")
    return None
