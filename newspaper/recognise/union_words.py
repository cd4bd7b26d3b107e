"""The words union names are made of: provinces, industries, zones, organisations' suffixes, and
the words that end a name on its left (newspaper.recognise.unions reads them)."""

from __future__ import annotations

import re

PROVINCES = [
    "北京市",
    "天津市",
    "上海市",
    "重庆市",
    "河北省",
    "山西省",
    "辽宁省",
    "吉林省",
    "黑龙江省",
    "江苏省",
    "安徽省",
    "福建省",
    "江西省",
    "山东省",
    "河南省",
    "湖北省",
    "湖南省",
    "广东省",
    "海南省",
    "四川省",
    "贵州省",
    "云南省",
    "陕西省",
    "甘肃省",
    "青海省",
    "台湾省",
    "内蒙古自治区",
    "广西壮族自治区",
    "西藏自治区",
    "宁夏回族自治区",
    "新疆维吾尔自治区",
]
INDUSTRIES = [
    "教育",
    "金融",
    "邮电",
    "邮政",
    "交通运输",
    "能源化学地质",
    "财贸轻纺烟草",
    "建设建材",
    "机械冶金建材",
    "农林水利气象",
    "海员",
    "铁路",
    "民航",
    "国防",
    "医务",
    "卫生",
    "文化",
    "体育",
    "传媒",
    "科技",
    "电力",
    "石化",
    "商贸",
    "旅游",
    "公路",
    "水利",
    "建设",
    "农林",
    "财贸",
    "交通",
]
ZONES = r"(?:经济技术开发区|高新技术产业开发区|开发区|高新区|新区|保税区|产业园区)"
ORG_SUFFIX = (
    r"(?:机务段|工务段|车务段|电务段|集团|公司|医院|大学|学院|学校|银行|电厂|研究院|研究所|供电局|中心|"
    r"管理局|管理处|管理站|局|站|所)"
)
# Generic references (各乡镇街道总工会, 各级工会组织) name no union of their own.
GENERIC = ("乡镇", "基层", "各级", "所属", "下属", "相关", "有关", "各地")
# Characters that end a name on its left: function words a regex would otherwise swallow.
STOP = '由在和与及是对向从经为据让同把被将的了或等各全该本所其之于以、，,。；;：:“”"（）() \n'
NAME_CHARS = rf"[^{re.escape(STOP)}\W]"
