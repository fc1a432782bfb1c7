"""Problems found in the inputs, reported the way editors and CI read them.

Every problem has a code, a position (``file:row:column``), a Chinese explanation, the rule of
``rules.md`` it enforces and a hint on how to fix it.  The catalogue below is the one place where
codes are defined, so that documentation and tests can list them.
"""

from __future__ import annotations

from bisect import bisect_left
from dataclasses import dataclass
from enum import Enum


class Severity(str, Enum):
    ERROR = "error"      # the build fails; nothing in the output directory changes
    WARNING = "warning"  # the build goes on; the record concerned may be left out


@dataclass(frozen=True, slots=True)
class Code:
    code: str
    severity: Severity
    rule: str
    message: str  # str.format template
    hint: str = ""


def _e(code, rule, message, hint=""):
    return Code(code, Severity.ERROR, rule, message, hint)


def _w(code, rule, message, hint=""):
    return Code(code, Severity.WARNING, rule, message, hint)


CATALOGUE: dict[str, Code] = {c.code: c for c in [
    # files and configuration
    _e("E-FILE-MISSING", "P1", "找不到文件 {file}",
       "请确认文件已提交，或在 site_config.yaml 中修正路径；找不到的是 site_config.yaml 本身时，"
       "请在站点目录中运行，或用 --site DIR 指定站点目录；新建站点请运行 gongshi init DIR"),
    _e("E-ENCODING", "P5.1", "文件编码无法识别（第 {offset} 字节附近）",
       "请另存为 UTF-8 或 GB18030/GBK 编码的 CSV"),
    _e("E-CSV", "P5.1", "CSV 格式错误：{detail}", "请检查引号是否成对"),
    _e("E-CSV-EMPTY", "P1", "文件为空，缺少表头", "第一行应为列名；可从 Excel 另存为 CSV"),
    _e("E-YAML", "P5.1", "YAML 格式错误：{detail}", "请检查缩进与冒号"),
    _e("E-CONFIG", "P1", "配置错误：{detail}", "请对照 README 中的 site_config.yaml 说明修改"),
    _e("E-CONTROL-CHAR", "P5.1", "{what}含有不可见的控制字符 {char}",
       "请删除该字符：它多来自从其他系统复制的文本或损坏的导出文件（Excel 中可用 CLEAN 函数清除，但它也会去掉单元格内换行）"),
    _e("E-SCHEMA", "P3.1", "表结构（Table Schema）错误：{detail}", "请对照 Frictionless Table Schema 规范修改"),
    _e("E-COLUMN-MISSING", "P1", "缺少列“{column}”", "请在表头加入该列（列的顺序不限）"),
    _e("E-COLUMN-UNKNOWN", "P3.1", "表结构中没有声明列“{column}”，该列不能发布",
       "请删除该列，或在表结构中声明它（未标记 public 的列一律不公开）"),
    _e("E-COLUMN-DUPLICATE", "P1", "列“{column}”出现了两次", "请删除重复的列"),
    _e("E-ROW-LENGTH", "P5.1", "本行有 {got} 个单元格，表头有 {expected} 列", "请检查是否多了或少了逗号"),
    # values
    _e("E-REQUIRED", "P1", "“{column}”不能为空", "请填写该项"),
    _e("E-DATE", "P2.1", "“{column}”不是有效日期：“{value}”",
       "请写成 2024-03-05、2024/3/5 或 2024年3月5日，并确认该日确实存在"),
    _e("E-NUMBER", "P1", "“{column}”不是有效数字：“{value}”", "金额只填数字，如 20000 或 20000.50，不带“元”"),
    _e("E-NUMBER-RANGE", "P1", "“{column}”的数值“{value}”超出可处理的范围（最多 {digits} 位有效数字、{decimals} 位小数）",
       "请核对数值：金额以元为单位，只填数字，如 20000 或 20000.50"),
    _e("E-DATE-RANGE", "P2.1", "“{column}”的日期“{value}”超出合理范围（{earliest} 至 {latest}）",
       "请核对年份；长期有效的请留空，不要填 9999-12-31 之类的日期"),
    _e("E-ENUM", "P1", "“{column}”的值“{value}”不在允许范围内（{allowed}）", "请从允许的值中选择"),
    _e("E-MINIMUM", "P1", "“{column}”的值“{value}”小于 {minimum}", "请核对数值"),
    _e("E-MAXIMUM", "P1", "“{column}”的值“{value}”大于 {maximum}", "请核对数值"),
    _e("E-PATTERN", "P1", "“{column}”的值“{value}”格式不对（应符合 {pattern}）", "请对照表结构中该列的说明填写"),
    _e("E-TOO-LONG", "P1", "“{column}”超过 {limit} 个字", "请精简内容"),
    _e("E-USCC", "I1", "统一社会信用代码“{value}”校验不通过{detail}",
       "请核对 18 位代码（不含 I、O、S、V、Z）；无代码的个体工商户填 00000000000000000X 并填写工商注册号"),
    _e("E-USCC-REQUIRED", "I1", "行政相对人类别为“{kind}”时必须填写统一社会信用代码",
       "请填写 18 位统一社会信用代码；无代码的个体工商户填 00000000000000000X"),
    _e("E-REGNO-REQUIRED", "I1", "统一社会信用代码为占位符 00000000000000000X 时必须填写工商注册号", "请填写工商注册号"),
    _e("E-RESIDENT-ID", "I2", "身份证号码“{value}”校验不通过", "请核对 18 位身份证号码及最后一位校验码"),
    _e("E-IDENTIFIER", "P3.1", "“{column}”不是有效的{kind}",
       "银行卡号填 12–19 位数字，护照或通行证号码填 5–17 位字母和数字（可含空格、连字符）；该列不公开"),
    _e("E-DOC-NUMBER", "I3", "文号“{value}”无法识别", "文号应形如 宁人社监罚〔2024〕12号"),
    # what Excel does to data: reported instead of the plain error of the cell (generator/excel/hints.py)
    _e("E-EXCEL-SCIENTIFIC", "P1", "“{column}”的值“{value}”被 Excel 当成了数字：超过 15 位的数字只保留前 15 位，"
       "显示为 6.40302E+17 这样的科学计数法，其余数字已经丢失",
       "在 Excel 中选中该列，设置单元格格式为“文本”，再从原始材料重新输入完整号码（已变形的单元格无法恢复）；"
       "用 gongshi excel 生成的工作簿填写，号码和代码列已设为文本"),
    _e("E-EXCEL-LEADING-ZEROS", "P1", "“{column}”的值“{value}”少了开头的 {zeros} 个 0（应为 {fixed}）："
       "Excel 把它当成数字，去掉了开头的 0",
       "在 Excel 中把该列设置为“文本”格式后重新输入，或在号码前加英文单引号（'）；"
       "用 gongshi excel 生成的工作簿填写，代码列已设为文本"),
    _e("E-EXCEL-SERIAL-DATE", "P2.1", "“{column}”的值“{value}”是 Excel 的日期序列号（即 {date}），不是日期",
       "该单元格被设成了数字或常规格式：在 Excel 中把该列设置为日期格式（yyyy-mm-dd）后保存，或直接输入 {date}；"
       "用 gongshi excel 生成的工作簿填写，日期列已设为日期格式"),
    _e("E-EXCEL-FULLWIDTH-SPACE", "P1", "“{column}”的值“{value}”中有全角空格",
       "在 Excel 中按 Ctrl+H，在“查找内容”中输入一个全角空格（中文输入法下按 Shift+空格切换全角后输入），"
       "“替换为”留空，全部替换，再核对该值"),
    _e("E-EXCEL-SPACES", "P1", "“{column}”的值“{value}”中有空格或看不见的字符",
       "号码、代码、日期和金额中不能有空格：在 Excel 中按 Ctrl+H 把空格替换为空，或用 =TRIM(CLEAN(单元格)) 清理后"
       "“选择性粘贴 → 数值”；从网页、Word 或微信复制来的内容常带看不见的空格"),
    _e("E-EXCEL-ENCODING", "P5.1", "“{value}”是乱码{fixed}：文件曾按错误的编码打开后又保存（UTF-8 当作 GBK，或相反）",
       "不要在 Excel 中双击打开不带 BOM 的 CSV 后保存。请先恢复该文件（GitHub Desktop：右键 → Discard changes），"
       "再用 gongshi excel 生成的工作簿编辑、用 gongshi import 导回；仓库中的 CSV 是带 BOM 的 UTF-8，双击可正确打开"),
    # gongshi import: the workbook itself (generator/excel/sheet.py)
    _e("E-XLSX", "P5.1", "无法读取 Excel 工作簿：{detail}",
       "请在 Excel 中“另存为 → Excel 工作簿 (*.xlsx)”后再导入；.xls、.csv 和设了打开密码的工作簿不能导入"),
    _e("E-XLSX-DATASET", "P1", "无法确定工作簿属于哪个数据集：{detail}",
       "请用 --dataset 指定数据集（site_config.yaml 中 datasets 下的名称，如 penalties），或用 gongshi excel 生成的工作簿"),
    _e("E-XLSX-HEADER", "P1", "工作表“{sheet}”的前 {rows} 行中找不到表头（与表结构相同的列名）",
       "表头一行应写列名，如“行政处罚决定书文号”；可用 gongshi excel 数据集名 --empty 生成模板"),
    _e("E-XLSX-UNNAMED-COLUMN", "P1", "这一列有内容（“{value}”），但表头中没有列名",
       "请在表头填写该列的列名，或删除这一列的内容：没有列名的内容无法导入"),
    _e("E-XLSX-CHARACTER", "P5.1", "“{column}”中有 Excel 工作簿不能保存的控制字符",
       "请在 CSV 中删除该字符（多为从其他系统复制来的看不见的字符），再运行 gongshi excel"),
    _e("E-XLSX-FORMULA-ERROR", "P1", "“{column}”的单元格是公式错误值 {value}",
       "请修正公式，或把该单元格改为具体的值（复制 → 选择性粘贴 → 数值）"),
    _e("E-DUPLICATE", "I3", "“{column}”与第 {other_row} 行重复（{value}）",
       "同一机关的文号不能重复：括号、全半角不同也视为同一文号"),
    _e("E-AGENCY-DUPLICATE", "P1", "“{column}”与第 {other_row} 行的执法主体重复（{value}）",
       "每个执法主体只登记一次；标识和名称都不能重复"),
    _e("E-AGENCY-UNKNOWN", "P1", "“{value}”不是 agencies.yaml 中登记的执法主体",
       "请使用执法主体的全称，或先在 data/agencies.yaml 中登记该部门"),
    _e("E-LEGAL-REP-REQUIRED", "P1", "行政相对人为法人及非法人组织时必须填写法定代表人", "请填写法定代表人"),
    _e("E-DATE-ORDER", "P2.1", "“{later}”（{later_value}）早于“{earlier}”（{earlier_value}）", "请核对两个日期"),
    _e("E-DATE-FUTURE", "P2.1", "“{column}”（{value}）晚于今天（{as_of}）：已经作出的决定、已经完成的检查不会发生在将来",
       "请核对该日期（年份、月份是否写错，是否把 2024 写成了 2042）；尚未作出的决定不要录入。"
       "将来某天才公开的记录，只把“公示日期”写成那一天"),
    _e("E-FINE-REQUIRED", "P1", "处罚类别含“罚款”，但未填写罚款金额", "请填写罚款金额（元）"),
    _e("E-STATUS-DATE", "P5.1", "状态为“{status}”时必须填写状态日期和状态说明", "请填写状态日期与状态说明"),
    _e("E-PERSONAL-DATA", "P3.3", "公开内容“{column}”中含有{kind}（{masked}），不能公开",
       "请删除或遮蔽该个人信息（如 6401**********1234）；单位的联系电话请填座机号码或服务热线"),
    _e("E-LEGAL-REVIEW", "L1", "重大行政执法决定{detail}", "重大决定须在作出前经法制审核且结论为“同意”"),
    _e("E-MAJOR-UNMARKED", "L2", "{reason}，属于重大行政执法决定，但“{flag}”不是“是”",
       "请改为“是”，并确认决定作出前已经法制审核同意（规则 L1）；重大行政处罚公示3年（规则 L5）"),
    _e("E-REPAIR-EARLY", "P10.3", "信用修复日期 {repaired} 早于可以修复之日 {earliest}：失信程度为“{klass}”，"
       "最短公示期 {minimum}，自决定日期 {decided} 起算", "最短公示期届满后方可信用修复；请核对信用修复日期和失信程度"),
    _e("E-REPAIR-INCOMPLETE", "P10.4", "信用修复须填写修复决定文号、修复日期和决定机关，缺少“{missing}”",
       "请按信用修复决定书填写三项；尚未修复的，三项都留空"),
    _e("E-CORRECTION-REF", "P5.1", "更正记录无法对应到已登记的记录：{detail}",
       "“记录”填写被更正记录的文号（同一数据集内唯一时）或记录标识（网址中的 16 位编号），“数据集”填写 site_config.yaml 中的数据集名"),
    _e("E-LEDGER", "P5.2", "公示台账 ledger.csv 有误：{detail}",
       "ledger.csv 由 gongshi ledger 生成和更新，请勿手工修改；可用 git 恢复该文件（git checkout -- ledger.csv）后重新运行 gongshi ledger"),
    _e("E-CONTENT", "P1", "页面 front matter 错误：{detail}", "请在文件开头用 --- 包起 YAML，并填写 title"),
    _e("E-FRONT-MATTER", "P1", "页面 front matter 有误：{detail}",
       "front matter 是页面开头两行 --- 之间的“键: 值”。可用的键：title（标题，必填）、slug（网址）、summary（摘要）、"
       "updated（更新日期）、item（附件2事项序号）、phase（事前/事中/事后）、nav（导航栏）、home（首页）、order（排序）、"
       "unlisted（不列出）、note（编者备注，不发布）；见 docs/编辑手册.md“添加页面”"),
    _e("E-MARKDOWN-ENCODING", "P5.1", "页面不是 UTF-8 编码（第 {offset} 字节附近）{detail}",
       "用记事本打开该文件，“文件 → 另存为”，把窗口下方的“编码”改为“UTF-8”后保存（不要选“ANSI”）；"
       "页面只接受 UTF-8，GitHub 网页编辑器和版本对比才能正确显示中文"),
    _e("E-SLUG-DUPLICATE", "P1", "页面地址“{slug}”与 {other} 重复", "请修改 slug"),
    _e("E-TEMPLATE", "P1", "模板错误：{detail}", "请检查模板语法"),
    # content/ (README "Security": what is published from content/ and what is refused)
    _e("E-CONTENT-DIR", "P3.1", "content 文件夹设置不安全：{detail}",
       "site_config.yaml 的 content 应指向站点目录下单独的文件夹（默认 content），不能是站点目录本身、data、templates 或输出目录，也不能是符号链接"),
    _e("E-SYMLINK", "P3.1", "content 中的“{name}”是符号链接（快捷方式），不能发布",
       "请把文件本身放入 content，或删除该链接：链接会把 content 以外的文件（如 data 中的数据）带到网上"),
    _e("E-ASSET-TYPE", "P3.1", "content 中的文件类型“{suffix}”不能发布{detail}",
       "可发布的附件：PNG/JPEG 图片、SVG 图、PDF、Word（.docx）、Excel（.xlsx）、纯文本（.txt）；其他文件请移出 content"),
    _e("E-ASSET-UNREADABLE", "P3.3", "无法读取文件中的内容，不能确认其中没有个人信息：{detail}",
       "请确认文件未损坏、未加密；扫描件请改用可复制文字的 PDF，或把内容写成网页（.md）"),
    _e("E-ASSET-PERSONAL-DATA", "P3.3", "{detail}，该文件不能发布",
       "请删除或遮蔽该个人信息（如 6401**********1234）后另存；注意文件属性（作者等）、页眉页脚和表格也会发布"),
    _e("E-ASSET-ACTIVE", "P3.1", "文件含有脚本、宏、嵌入对象或站外引用：{detail}",
       "本站只发布静态内容、不加载站外资源；请删除这些内容后另存（流程图请导出为不含脚本的 SVG）"),
    _e("E-ASSET-HIDDEN", "P3.1", "文件含有打开时看不到的内容：{detail}",
       "公开的文件须经保密审查（规则 P4），审查人看不到的内容不能发布；请按提示删除后另存"),
    _e("E-ASSET-COLLISION", "P1", "content 中的文件“{name}”与生成的“{other}”占用同一地址",
       "生成的页面和数据（如 /penalties/、/opendata/、/_redirects、/robots.txt）由构建写出，不能用 content 中的文件替换；请改名或换一个文件夹"),
    _e("E-OUTPUT", "P1", "无法写入输出：{detail}", "请检查磁盘空间和目录权限；原输出目录未改动"),
    _e("E-SEARCH-INDEX", "P1", "搜索索引生成失败：{detail}", "请确认已安装 pagefind（pip install 'pagefind[extended]'）；“查询索引”出错时请检查 opendata 中的 JSON 导出"),
    # found by `gongshi check` only (the build goes on: a late record must not stop expiry)
    _e("E-OVERDUE", "P8", "应公示而未公示：{start_column} {start}，公示时限 {deadline} 已过 {days} 个工作日（{basis}）",
       "请尽快完成保密审查并公示（填写公示日期）；应公示不公示将列入监督报告"),
    _e("E-WITHDRAWAL-OVERDUE", "P6", "状态为“{status}”（{start_column} {start}），撤回时限 {deadline} 已过 {days} 个工作日，"
       "仍未填写“{done_column}”（{basis}）", "请立即撤回原公示信息、公开说明理由，并填写撤回日期"),
    _e("E-CORRECTION-OVERDUE", "P5.3", "纠错建议 {start} 收到，答复时限 {deadline} 已过 {days} 个工作日仍未答复（{basis}）",
       "请尽快处理并告知建议人，填写答复日期"),
    _e("E-REVIEW-OVERDUE", "L4", "法制审核 {start} 收到送审材料，审核时限 {deadline} 已过 {days} 个工作日仍无审核日期（{basis}）",
       "请完成法制审核并填写法制审核日期；案件复杂延长审核的，请在法制审核意见书中注明批准延长"),
    _e("E-ANNOUNCEMENT-MISSING", "P9", "{agency}（{level}级，每{unit}公布）自 {since} 起没有公布重大劳动保障违法行为，"
       "也没有“本期无”说明（{basis}）", "请公布本期重大劳动保障违法行为；本期没有的，在本期无说明表中登记"),
    # gongshi check --since REV: what a change does to what was published (compliance/since.py)
    _e("E-CHANGE-DELETED", "P5.2", "已公示的记录（{state}）在本次修改中被删除了整行（版本 {rev} 中第 {line} 行）",
       "已公示的记录不能删除，否则订阅方（信用中国等）永远收不到撤下通知：请恢复该行，把“状态”改为“撤下”或“撤销”，"
       "并填写状态日期和状态说明"),
    _e("E-CHANGE-UNPUBLISHED", "P5.2", "已公示的记录在本次修改后不再显示（{state}），但没有办理撤下",
       "不要清空保密审查日期或改动公示日期来隐藏已公示的记录：请恢复原值，把“状态”改为“撤下”或“撤销”，并填写状态日期和状态说明"),
    _e("E-CHANGE-KEY", "I3", "已公示记录的标识列被修改：“{old}”改为“{new}”（与版本 {rev} 相比）；记录的网址和订阅标识由标识列决定，"
       "修改后旧记录悄然消失、新记录另行出现",
       "请恢复原记录并将其撤下（“状态”填“撤下”，写明状态日期和说明，如“文号录入错误”），再把正确的记录作为新的一行公示"),
    _e("E-CHANGE-UNLOGGED", "P5.1", "公示中的记录的“{column}”被修改（“{old}”改为“{new}”），但更正记录中没有这次更正",
       "请在更正记录（data/corrections.csv）中加一行：数据集、记录（文号）、更正日期（今天）、更正内容、更正原因；"
       "订阅方只有从更正条目中才能得知记录被修改"),
    _e("E-CHANGE-PUBLISHED-DATE", "P8", "已公示记录的“{column}”被修改：{old} 改为 {new}",
       "公示日期是记录首次公开之日，公示后不能修改；请恢复原值，内容有误的请登记更正记录"),
    _w("W-CHANGE-BACKDATED", "P8", "新公示的记录的公示日期 {published} 早于本次修改之日 {today}：订阅方已读过那一天的归档，不会再去读它",
       "公示日期应填写实际公开之日（今天或以后）；逾期公示的，如实填写今天，逾期情况由 W-LATE 报告"),
    _w("W-CHANGE-CORRECTION-BACKDATED", "P5.1", "新登记的更正日期 {corrected} 早于本次修改之日 {today}：订阅方已读过那一天的归档，不会再去读它",
       "更正日期应填写更正在网站上公开之日（今天）"),
    # the ledger of what was published (ledger.py): the build keeps deleted records withdrawn (W-),
    # the check reports them until they are handled (E-)
    _e("E-RECORD-DELETED", "P5.2", "已公示的记录的行已从数据中删除：网站按“删除（未按规定撤下）”撤下，自 {gone_on} 起",
       "已公示的记录不能删除：请恢复该行，把“状态”改为“撤下”或“撤销”，并填写状态日期和状态说明（订阅方将收到该说明）"),
    _e("E-RECORD-RESURRECTED", "P5.2", "本记录已于 {gone_on}“{gone}”，现在又标为公示：网站仍按“{gone}”处理，不会重新公示",
       "已撤下的记录不能恢复公示：请把“状态”改回原值；确需重新公示的，请作为新记录（新的文号）登记"),
    _w("W-LEDGER-STALE", "P5.2", "公示台账 ledger.csv 中缺少 {count} 条已公示的记录：这些记录的行若被删除，网站无法发出撤下通知",
       "运行 gongshi ledger 更新台账并提交；CI 在每次推送到主分支和每天重建前自动更新（README“Ledger”）"),
    _w("W-WITHDRAWAL-LATE", "P6", "状态为“{status}”（{start_column} {start}），{done} 才撤回，晚于撤回时限 {deadline} "
       "{days} 个工作日（{basis}）", "已撤回的记录无需修改；逾期情况将列入监督报告"),
    _w("W-CORRECTION-LATE", "P5.3", "纠错建议 {start} 收到，{done} 才答复，晚于答复时限 {deadline} {days} 个工作日（{basis}）",
       "逾期情况将列入监督报告"),
    _w("W-REVIEW-LATE", "L4", "法制审核 {start} 收到送审材料，{done} 才审核完毕，晚于审核时限 {deadline} {days} 个工作日（{basis}）",
       "经批准延长审核期限的，请在法制审核意见书中注明"),
    _w("W-MAJOR-UNMARKED", "L3", "{reason}，达到附件6的重大行政执法决定标准，但“{flag}”不是“是”",
       "本部门未另定标准，附件6供核对：属于重大决定的，须在作出前经法制审核（规则 L1），公示3年（规则 L5）；"
       "本部门另定标准的，请写入 site_config.yaml 数据集的 major.local（附件6备注）"),
    _w("W-CERT-EXPIRED", "P2.6", "执法证件已于 {expires} 到期，本人不再列入执法人员清单",
       "请换发证件后更新“证件有效期至”，或将该人员状态改为撤下"),
    _w("W-CERT-EXPIRING", "P2.6", "执法证件有效期至 {expires}，即将到期（还剩 {days} 天）", "请及时办理换证，换证后更新“证件有效期至”"),
    _w("W-REPEALED-BASIS", "P8", "“{column}”引用的{title}在执法依据清单中为“{status}”，没有现行有效的文本（决定日期 {decided}）",
       "请核对所依据的法律文本；引用有误的请更正（规则 P5.1），清单有误的请更新执法依据清单"),
    _w("W-CREDIT-DOWNGRADED", "P10.1", "失信程度填为“{entered}”，轻于按划分规则认定的“{derived}”：{reason}",
       "请核对失信程度：填写的程度决定信用中国的公示期限（规则 P10.2）；依行业标准认定较轻的，请在备注中说明依据"),
    _w("W-CITATION-MISMATCH", "I4", "“{column}”引用的{cited}与 {where} 引用的{other}不一致",
       "同一法律条文在各数据集中应以同一方式引用（同一法律名称，同一条、款、项）：请核对原文，改正有误的一处（规则 P5.1）"),
    _w("W-CALENDAR-NEXT-YEAR", "C4", "工作日历尚未录入 {year} 年的节假日安排（自 {due} 起应录入）",
       "国务院办公厅公布该年部分节假日安排后，请在 generator/holidays.yaml 或 site_config.yaml 的 calendar: 文件中加入该年"),
    # gongshi verify DIR|URL: the release log (release.json) against what is there (verify.py)
    _e("E-VERIFY-MANIFEST", "P8", "无法读取发布清单：{detail}",
       "请确认地址是网站的根地址（如 https://…/）或 gongshi build 的输出目录，其中应有 release.json"),
    _e("E-VERIFY-CHANGED", "P8", "文件内容与发布清单不符（清单中 SHA-256 {expected}…，实际 {found}…）",
       "该文件在发布后被改动过，或清单被替换：以发布时的文件为准，请向网站主管部门核实"),
    _e("E-VERIFY-MISSING", "P8", "发布清单中的文件不存在：{detail}", "该文件在发布后被删除，或清单被替换"),
    _e("E-VERIFY-ADDED", "P8", "文件不在发布清单中", "该文件是发布后加入的，不属于这次发布"),
    _e("E-VERIFY-SIGNATURE", "P8", "发布清单的签名无效：清单在签名后被改动或替换，或签名不是这把密钥所签",
       "请勿采信该清单；用 --key 指定网站公布的公钥，向网站主管部门核实"),
    _e("E-VERIFY-UNSIGNED", "P8", "缺少签名文件：已指定或声明了签名公钥，但没有 release.sig", "签名可能被删除；请向网站主管部门核实"),
    _e("E-VERIFY-KEY", "P8", "签名公钥不符：{detail}", "请用 --key 指定从可信渠道取得的公钥（PEM 文件或 ed25519:…）"),
    _e("E-VERIFY-CHAIN", "P8", "与上一次发布的链接不符：清单记录的上一份清单 SHA-256 为 {expected}…，所给的上一份为 {found}…",
       "两次发布之间可能还有别的发布，或上一份清单被替换；请用记录的上一份 release.json 核对"),
    _w("W-VERIFY-UNSIGNED", "P8", "发布清单没有签名：只能核对文件与清单一致，不能证明清单出自网站", "请用 --key 核对已签名的发布"),
    # gongshi check --live URL: the deployed site is today's (freshness.py; rule P2.3 needs a daily rebuild)
    _e("E-LIVE-UNREACHABLE", "P2.3", "无法读取线上网站的发布清单：{detail}",
       "请检查网址和网络；网站不可访问时，过期记录无法按期下线，请立即处理"),
    _e("E-LIVE-STALE", "P2.3", "线上网站是 {live} 生成的，今天（北京时间）是 {today}：过期的记录可能仍在网上",
       "请检查每日重建（Actions → daily deploy）和 Netlify 的部署记录；可在 Netlify 手动 Trigger deploy"),
    _e("E-LIVE-REVISION", "P2.3", "线上网站的数据版本 {live} 不是仓库当前版本 {expected}",
       "最近的提交没有部署：请查看 Netlify 的部署日志（构建失败时保留上一版）"),
    # warnings: the build goes on
    _w("W-RELEASE-PREVIOUS", "P8", "读不到上一次发布的 release.json，本次发布不链接上一次：{detail}",
       "发布链在此中断（公示台账不受影响）；请检查网络和 site.base_url，下一次构建会重新链接"),
    _w("W-RECORD-DELETED", "P5.2", "已公示的记录的行已从数据中删除：按“删除（未按规定撤下）”撤下，自 {gone_on} 起",
       "已公示的记录不能删除：请恢复该行，把“状态”改为“撤下”或“撤销”，并填写状态日期和状态说明"),
    _w("W-RECORD-RESURRECTED", "P5.2", "本记录已于 {gone_on}“{gone}”，不能重新公示：仍按“{gone}”处理",
       "已撤下的记录不能恢复公示：请把“状态”改回原值；确需重新公示的，请作为新记录（新的文号）登记"),
    _w("W-UNREVIEWED", "P4", "本条记录尚未完成保密审查（保密审查日期为空或晚于 {as_of}），暂不公开",
       "完成保密审查后填写保密审查人和保密审查日期"),
    _w("W-LATE", "P8", "公示日期 {published} 晚于公示时限 {deadline} {days} 个工作日（{basis}）", "请及时公示；逾期情况将列入监督报告"),
    _w("W-OVERDUE", "P8", "本条记录尚未公示，已超过公示时限 {deadline}（{basis}）",
       "请尽快完成审查并公示；应公示而未公示的情况将列入监督报告"),
    _w("W-HTML-REMOVED", "P3.1", "页面中的 {what} 不安全，已删除",
       "Markdown 页面只能用标题、段落、列表、表格、链接和站内图片；脚本、样式、事件属性、javascript:/data: 链接、iframe 和表单会被删除"),
    _w("W-PAGE-UNLINKED", "P1", "页面“/{slug}/”没有出现在任何位置，也没有其他页面链接到它，读者找不到",
       "在页面开头的设置中写 nav: true（导航栏）、home: true（首页“更多信息”）或 item: 事项序号（公示事项清单第几项），"
       "或在其他页面中链接它；确实只通过网址或二维码访问的，写 unlisted: true"),
    _w("W-CALENDAR", "C4", "{year} 年的节假日安排尚未录入，时限按周一至周五计算（暂定）",
       "国务院办公厅公布次年安排后，请更新工作日历"),
]}


@dataclass(frozen=True, slots=True)
class Diagnostic:
    code: str
    path: str           # relative to the site root, with forward slashes
    row: int = 0        # 1-based line number in the file; 0 when the problem concerns the whole file
    column: int = 0     # 1-based column number; 0 when the problem concerns the whole row
    params: tuple = ()  # (key, value) pairs for the message template

    @property
    def spec(self) -> Code:
        return CATALOGUE[self.code]

    @property
    def severity(self) -> Severity:
        return self.spec.severity

    @property
    def message(self) -> str:
        return self.spec.message.format(**dict(self.params))

    def location(self) -> str:
        parts = [self.path]
        if self.row:
            parts.append(str(self.row))
            if self.column:
                parts.append(str(self.column))
        return ":".join(parts)

    def format(self) -> str:
        spec = self.spec
        hint = f"。{spec.hint}" if spec.hint else ""
        return f"{self.location()}: {self.code} {self.message}（规则 {spec.rule}）{hint}"


def diag(code: str, path: str, row: int = 0, col: int = 0, /, **params) -> Diagnostic:
    """A diagnostic at ``path:row:col``; ``params`` fill the message (``column`` names a column;
    ``path`` may be one too: the position is positional-only)."""
    if code not in CATALOGUE:  # a programming error, not bad input
        raise KeyError(code)
    return Diagnostic(code, path, row, col, tuple(sorted(params.items())))


def excel_column(n: int) -> str:
    """The letters Excel shows above the n-th column (1-based): 1 → A, 26 → Z, 27 → AA, 35 → AI."""
    if n < 1:
        raise ValueError(n)
    letters = ""
    while n:
        n, r = divmod(n - 1, 26)
        letters = chr(65 + r) + letters
    return letters


DEFAULT_MAX_PER_CODE = 20  # messages kept per file and code; the rest are counted (issue 10)


def _position(d: Diagnostic) -> tuple:
    return (d.path, d.row, d.column, d.code, d.params)


class Report:
    """Every problem of a build, counted exactly; of each file and code, the first ``limit`` (by
    position) are kept to be shown, the others only counted, so that 100,000 bad rows cost a few
    kilobytes, not a gigabyte.  ``limit=None`` keeps them all.

    Stages append to ``report.items`` (the report itself) as to a list."""

    def __init__(self, limit: int | None = DEFAULT_MAX_PER_CODE):
        if limit is not None and limit < 1:
            raise ValueError("limit must be at least 1 (None: no limit)")
        self.limit = limit
        self._kept: dict[tuple[str, str], list[Diagnostic]] = {}  # (path, code) → kept, by position
        self._total: dict[tuple[str, str], int] = {}

    def add(self, d: Diagnostic) -> None:
        key = (d.path, d.code)
        kept = self._kept.setdefault(key, [])
        i = bisect_left(kept, _position(d), key=_position)
        if i < len(kept) and kept[i] == d:
            return  # the same problem found twice (e.g. by the build and by the check) counts once
        self._total[key] = self._total.get(key, 0) + 1
        if self.limit is None or len(kept) < self.limit:
            kept.insert(i, d)
        elif i < len(kept):  # earlier in the file than one kept: keep this one instead
            kept.insert(i, d)
            kept.pop()

    append = add

    def extend(self, ds) -> None:
        for d in ds:
            self.add(d)

    @property
    def items(self) -> Report:
        return self

    def __iter__(self):
        return iter(self.sorted())

    def drop(self, codes) -> None:
        """Forget every problem of these codes (the check replaces some of the build's)."""
        for key in [k for k in self._kept if k[1] in codes]:
            del self._kept[key], self._total[key]

    def sorted(self) -> list[Diagnostic]:
        """The kept problems, by file and position."""
        return sorted((d for kept in self._kept.values() for d in kept), key=_position)

    @property
    def errors(self) -> list[Diagnostic]:
        return [d for d in self.sorted() if d.severity is Severity.ERROR]

    @property
    def warnings(self) -> list[Diagnostic]:
        return [d for d in self.sorted() if d.severity is Severity.WARNING]

    def groups(self) -> list[tuple[str, str, list[Diagnostic], int]]:
        """(path, code, kept problems, total) of each file and code: errors first, then by file,
        then by the position of the code's first problem in the file."""
        out = [(path, code, kept, self._total[(path, code)]) for (path, code), kept in self._kept.items()]
        return sorted(out, key=lambda g: (CATALOGUE[g[1]].severity is not Severity.ERROR, g[0],
                                          _position(g[2][0]) if g[2] else (), g[1]))

    def by_code(self) -> dict[str, int]:
        """Exact number of problems of each code, by code."""
        counts: dict[str, int] = {}
        for (_path, code), n in self._total.items():
            counts[code] = counts.get(code, 0) + n
        return dict(sorted(counts.items()))

    def count(self, severity: Severity) -> int:
        return sum(n for (_path, code), n in self._total.items() if CATALOGUE[code].severity is severity)

    @property
    def error_count(self) -> int:
        return self.count(Severity.ERROR)

    @property
    def warning_count(self) -> int:
        return self.count(Severity.WARNING)

    @property
    def omitted(self) -> int:
        """Problems counted but not kept."""
        return sum(n - len(self._kept[key]) for key, n in self._total.items())

    def summary(self) -> str:
        return f"共 {self.error_count} 个错误，{self.warning_count} 个警告"


class BuildFailed(Exception):
    """Raised by the pipeline when the inputs have errors; carries the full report."""

    def __init__(self, report: Report):
        super().__init__(report.summary())
        self.report = report
