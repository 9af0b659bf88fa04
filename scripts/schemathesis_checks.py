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


@schemathesis.hook
def map_path_parameters(ctx, path_parameters):
    """Numeric ids are mostly brought into the demo's range (households, visits,
    cases … numbered from 1), so that handlers get past "not found" and read
    real rows; a quarter keep the generated value to test the refusals."""
    if not path_parameters:
        return path_parameters
    for key, value in list(path_parameters.items()):
        if isinstance(value, int) and not isinstance(value, bool) and value % 4 != 0:
            path_parameters[key] = abs(value) % 60 + 1
    return path_parameters
