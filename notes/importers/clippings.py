"""Web clippings: the page chrome (likes, red packets, wallets, payment) that comes
along when a learner copies a whole article from a blog site. Pure.

It is only ever found and reported; cutting it off is for whoever imports to ask.
"""

from __future__ import annotations

import re

# Words of navigation, social buttons and payment, in Chinese blog sites and English ones.
CHROME_WORDS = (
    "点赞", "收藏", "评论", "分享", "关注", "红包", "余额", "充值", "支付", "钱包", "打赏",
    "扫码", "举报", "登录", "注册", "会员", "粉丝", "博主", "付费", "专栏", "抵扣", "实付",
    "领取", "一键", "二维码", "上一篇", "下一篇", "相关推荐", "版权声明", "阅读量", "点击",
    "Like", "Share", "Comments", "Subscribe", "Sign in", "Log in", "Follow", "Copyright",
)  # fmt: skip
_CHROME_WORD = re.compile("|".join(re.escape(word) for word in CHROME_WORDS), re.IGNORECASE)
_SENTENCE = re.compile(r"[。！？；]|[.!?;](?:\s|$)")
SHORT_LINE = 20
# A tail counts as chrome with at least this many lines, this many of them holding
# chrome words, and this share of them chrome-like.
MIN_LINES = 5
MIN_WORD_LINES = 3
MIN_SHARE = 0.75


def _has_word(line: str) -> bool:
    return bool(_CHROME_WORD.search(line))


def _is_chrome(line: str) -> bool:
    text = line.strip()
    return _has_word(text) or (len(text) <= SHORT_LINE and not _SENTENCE.search(text))


def page_chrome_start(text: str) -> int | None:
    """The index of the first line of page chrome at the end of ``text``, if any.

    Read from the end up: the tail is many short lines of navigation and payment
    words without sentence punctuation, perhaps with a stray teaser of another
    article among them; two lines of prose in a row end it. Its first line must
    sit among chrome words, so that a note's last short heading ("总结") stays.
    """
    lines = text.splitlines()
    filled = [index for index, line in enumerate(lines) if line.strip()]
    start = None
    chrome = words = prose_run = 0
    for total, position in enumerate(range(len(filled) - 1, -1, -1), start=1):
        line = lines[filled[position]]
        if _is_chrome(line):
            chrome += 1
            prose_run = 0
        else:
            prose_run += 1
            if prose_run == 2:
                break
        words += _has_word(line)
        window = [lines[index] for index in filled[position : position + 4]]
        if (
            _is_chrome(line)
            and sum(map(_has_word, window)) >= 2
            and total >= MIN_LINES
            and words >= MIN_WORD_LINES
            and chrome / total >= MIN_SHARE
        ):
            start = filled[position]
    return start
