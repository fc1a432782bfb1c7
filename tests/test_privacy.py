"""P3.3: personal data in public free text; what a message quotes of it is masked (P3.5)."""

import pytest

from generator.privacy import find_personal_data, mask


@pytest.mark.parametrize("text, kind", [
    ("当事人身份证号11010519491231002X，拒不支付工资", "身份证号码"),
    ("联系人手机13912345678", "手机号码"),
    ("联系人手机 139-1234-5678", "手机号码"),
    ("工资打入6222020200012345678（Luhn 校验）", None),
    ("卡号 4111111111111111", "银行卡号"),
    ("全角 １３９１２３４５６７８", "手机号码"),
])
def test_hits(text, kind):
    hit = find_personal_data(text)
    if kind is None:  # 6222020200012345678 fails Luhn: not reported
        assert hit is None or hit[0] != "银行卡号"
    else:
        assert hit and hit[0] == kind


@pytest.mark.parametrize("text", [
    "拖欠 23 名劳动者工资共计 186000 元",
    "宁人社监罚〔2026〕12号",
    "依据《劳动保障监察条例》第二十六条",
    "110105194912310021",          # 18 digits, wrong check digit
    "统一社会信用代码 91640100MA76XXXX1",
    "咨询电话 12333，0951-5099342",
])
def test_no_false_alarm(text):
    assert find_personal_data(text) is None


def test_mask_keeps_ends_only():
    assert mask("11010519491231002X") == "1101**********002X"
