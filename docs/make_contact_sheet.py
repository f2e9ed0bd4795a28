"""The contact sheet in docs/contact-sheet.png: the four bundled templates filled with real values in
ten languages, as a designer reviews them. ``python docs/make_contact_sheet.py [--full DIR]`` also
writes every card at full size into DIR, to be looked at one by one."""

from __future__ import annotations

import argparse
import io
from pathlib import Path

from PIL import Image
from PIL import ImageDraw

import og

HERE = Path(__file__).resolve().parent
THUMB = (400, 210)
LABEL_WIDTH = 120

#: Per language: the values of each template (what a site in that language would send).
CARDS: dict[str, dict[str, dict[str, str]]] = {
    "English": {
        "article": {"title": "How we cut CI times from 40 minutes to 4", "author": "Jane Doe",
                    "tag": "Engineering", "date": "3 December 2026", "reading_time": "6 min read",
                    "site": "blog.acme.dev"},
        "announcement": {"tag": "Now available", "title": "Introducing Acme Cloud 2.0",
                         "subtitle": "Edge functions, instant rollbacks and previews for every pull request.",
                         "site": "acme.dev"},
        "profile": {"name": "Jane Doe", "role": "Staff Engineer at Acme, building developer tools",
                    "handle": "@janedoe", "website": "janedoe.dev"},
        "quote": {"quote": "Simplicity is prerequisite for reliability.", "author": "Edsger W. Dijkstra",
                  "source": "How do we tell truths that might hurt? (1975)", "site": "quotes.dev"},
    },
    "Arabic": {
        "article": {"title": "كيف خفّضنا زمن التكامل المستمر من أربعين دقيقة إلى أربع", "author": "ليلى حداد",
                    "tag": "هندسة", "date": "٣ ديسمبر ٢٠٢٦", "reading_time": "٦ دقائق قراءة",
                    "site": "blog.acme.dev"},
        "announcement": {"tag": "متاح الآن", "title": "نقدّم لكم أكمي كلاود ٢٫٠",
                         "subtitle": "دوال على الحافة، وتراجع فوري، وبيئات معاينة لكل طلب دمج.", "site": "acme.dev"},
        "profile": {"name": "ليلى حداد", "role": "مهندسة أولى في أكمي، تبني أدوات المطوّرين",
                    "handle": "@layla", "website": "layla.dev"},
        "quote": {"quote": "البساطة شرط أساسي للموثوقية.", "author": "إدسخر ديكسترا",
                  "source": "كيف نقول حقائق قد تؤلم؟ (١٩٧٥)", "site": "quotes.dev"},
    },
    "Hebrew": {
        "article": {"title": "איך קיצרנו את זמני ה־CI מארבעים דקות לארבע", "author": "נועה כהן",
                    "tag": "הנדסה", "date": "3 בדצמבר 2026", "reading_time": "6 דקות קריאה",
                    "site": "blog.acme.dev"},
        "announcement": {"tag": "זמין עכשיו", "title": "היכרות עם Acme Cloud 2.0",
                         "subtitle": "פונקציות בקצה, חזרה מיידית לאחור וסביבות תצוגה לכל בקשת מיזוג.",
                         "site": "acme.dev"},
        "profile": {"name": "נועה כהן", "role": "מהנדסת בכירה ב־Acme, בונה כלים למפתחים",
                    "handle": "@noa", "website": "noa.dev"},
        "quote": {"quote": "פשטות היא תנאי מוקדם לאמינות.", "author": "אדסחר דייקסטרה",
                  "source": "איך אומרים אמיתות שעלולות לכאוב? (1975)", "site": "quotes.dev"},
    },
    "Hindi": {
        "article": {"title": "हमने CI का समय 40 मिनट से घटाकर 4 मिनट कैसे किया", "author": "प्रिया शर्मा",
                    "tag": "इंजीनियरिंग", "date": "3 दिसंबर 2026", "reading_time": "6 मिनट पढ़ें",
                    "site": "blog.acme.dev"},
        "announcement": {"tag": "अब उपलब्ध", "title": "पेश है Acme Cloud 2.0",
                         "subtitle": "एज फ़ंक्शन, तुरंत रोलबैक और हर पुल रिक्वेस्ट के लिए प्रीव्यू।", "site": "acme.dev"},
        "profile": {"name": "प्रिया शर्मा", "role": "Acme में स्टाफ़ इंजीनियर, डेवलपर टूल बनाती हैं",
                    "handle": "@priya", "website": "priya.dev"},
        "quote": {"quote": "सरलता विश्वसनीयता की पहली शर्त है।", "author": "एड्सगर डाइक्स्ट्रा",
                  "source": "हम ऐसे सच कैसे कहें जो चुभ सकते हैं? (1975)", "site": "quotes.dev"},
    },
    "Japanese": {
        "article": {"title": "CI の実行時間を 40 分から 4 分に短縮した方法", "author": "山田 花子",
                    "tag": "エンジニアリング", "date": "2026年12月3日", "reading_time": "6分で読めます",
                    "site": "blog.acme.dev"},
        "announcement": {"tag": "提供開始", "title": "Acme Cloud 2.0 のご紹介",
                         "subtitle": "エッジ関数、即時ロールバック、すべてのプルリクエストにプレビュー環境を。",
                         "site": "acme.dev"},
        "profile": {"name": "山田 花子", "role": "Acme のスタッフエンジニア。開発者ツールを作っています",
                    "handle": "@hanako", "website": "hanako.dev"},
        "quote": {"quote": "単純さは信頼性の前提条件である。", "author": "エドガー・ダイクストラ",
                  "source": "人を傷つけうる真実をどう伝えるか（1975年）", "site": "quotes.dev"},
    },
    "Chinese (Simplified)": {
        "article": {"title": "我们如何把持续集成时间从四十分钟缩短到四分钟", "author": "王小明",
                    "tag": "工程", "date": "2026年12月3日", "reading_time": "阅读需6分钟", "site": "blog.acme.dev"},
        "announcement": {"tag": "现已推出", "title": "隆重推出 Acme Cloud 2.0",
                         "subtitle": "边缘函数、一键回滚，并为每个合并请求提供预览环境。", "site": "acme.dev"},
        "profile": {"name": "王小明", "role": "Acme 资深工程师，专注开发者工具",
                    "handle": "@xiaoming", "website": "xiaoming.dev"},
        "quote": {"quote": "简单是可靠的先决条件。", "author": "艾兹格·迪杰斯特拉",
                  "source": "我们如何说出可能伤人的真话？（1975）", "site": "quotes.dev"},
    },
    "Chinese (Traditional)": {
        "article": {"title": "我們如何把持續整合時間從四十分鐘縮短到四分鐘", "author": "張堃",
                    "tag": "工程", "date": "2026年12月3日", "reading_time": "閱讀需6分鐘", "site": "blog.acme.dev"},
        "announcement": {"tag": "現已推出", "title": "隆重推出 Acme Cloud 2.0",
                         "subtitle": "邊緣函式、一鍵回滾，並為每個合併請求提供預覽環境。", "site": "acme.dev"},
        "profile": {"name": "張堃", "role": "Acme 資深工程師，專注開發者工具",
                    "handle": "@kun", "website": "kun.dev"},
        "quote": {"quote": "簡單是可靠的先決條件。", "author": "艾茲格·迪科斯徹",
                  "source": "我們如何說出可能傷人的真話？（1975）", "site": "quotes.dev"},
    },
    "Korean": {
        "article": {"title": "CI 시간을 40분에서 4분으로 줄인 방법", "author": "김지은",
                    "tag": "엔지니어링", "date": "2026년 12월 3일", "reading_time": "6분 분량", "site": "blog.acme.dev"},
        "announcement": {"tag": "지금 사용 가능", "title": "Acme Cloud 2.0을 소개합니다",
                         "subtitle": "엣지 함수, 즉시 롤백, 모든 풀 리퀘스트를 위한 미리보기 환경.", "site": "acme.dev"},
        "profile": {"name": "김지은", "role": "Acme 스태프 엔지니어, 개발자 도구를 만듭니다",
                    "handle": "@jieun", "website": "jieun.dev"},
        "quote": {"quote": "단순함은 신뢰성의 전제 조건이다.", "author": "에츠허르 다익스트라",
                  "source": "상처가 될 수 있는 진실을 어떻게 말할까? (1975)", "site": "quotes.dev"},
    },
    "Thai": {
        "article": {"title": "เราลดเวลา CI จาก 40 นาทีเหลือ 4 นาทีได้อย่างไร", "author": "สมหญิง ใจดี",
                    "tag": "วิศวกรรม", "date": "3 ธันวาคม 2569", "reading_time": "อ่าน 6 นาที", "site": "blog.acme.dev"},
        "announcement": {"tag": "พร้อมใช้งานแล้ว", "title": "ขอแนะนำ Acme Cloud 2.0",
                         "subtitle": "ฟังก์ชันที่ขอบเครือข่าย ย้อนกลับได้ทันที และสภาพแวดล้อมพรีวิวสำหรับทุกคำขอรวมโค้ด",
                         "site": "acme.dev"},
        "profile": {"name": "สมหญิง ใจดี", "role": "วิศวกรอาวุโสที่ Acme สร้างเครื่องมือสำหรับนักพัฒนา",
                    "handle": "@somying", "website": "somying.dev"},
        "quote": {"quote": "ความเรียบง่ายคือเงื่อนไขแรกของความน่าเชื่อถือ", "author": "เอ็ดส์เกอร์ ไดก์สตรา",
                  "source": "เราจะพูดความจริงที่อาจทำให้เจ็บปวดได้อย่างไร (1975)", "site": "quotes.dev"},
    },
    "Russian": {
        "article": {"title": "Как мы сократили время CI с 40 минут до 4", "author": "Анна Смирнова",
                    "tag": "Разработка", "date": "3 декабря 2026", "reading_time": "6 минут чтения",
                    "site": "blog.acme.dev"},
        "announcement": {"tag": "Уже доступно", "title": "Представляем Acme Cloud 2.0",
                         "subtitle": "Функции на периферии, мгновенный откат и превью для каждого пул-реквеста.",
                         "site": "acme.dev"},
        "profile": {"name": "Анна Смирнова", "role": "Ведущий инженер в Acme, создаёт инструменты для разработчиков",
                    "handle": "@anna", "website": "anna.dev"},
        "quote": {"quote": "Простота — необходимое условие надёжности.", "author": "Эдсгер Дейкстра",
                  "source": "Как говорить правду, которая может ранить? (1975)", "site": "quotes.dev"},
    },
}
TEMPLATES = ("article", "announcement", "profile", "quote")


def render_all(full: Path | None) -> dict[tuple[str, str], bytes]:
    renderer = og.Renderer()
    cards = {}
    for language, values in CARDS.items():
        for name in TEMPLATES:
            png = renderer.render(name, values[name])
            cards[language, name] = png
            if full:
                slug = language.lower().replace(" ", "-").replace("(", "").replace(")", "")
                (full / f"{name}-{slug}.png").write_bytes(png)
    return cards


def sheet(cards: dict[tuple[str, str], bytes]) -> Image.Image:
    width = LABEL_WIDTH + THUMB[0] * len(TEMPLATES)
    image = Image.new("RGB", (width, THUMB[1] * len(CARDS)), "white")
    draw = ImageDraw.Draw(image)
    for row, language in enumerate(CARDS):
        draw.text((8, row * THUMB[1] + THUMB[1] // 2 - 6), language, fill="black")
        for column, name in enumerate(TEMPLATES):
            with Image.open(io.BytesIO(cards[language, name])) as card:
                thumb = card.convert("RGB").resize(THUMB, Image.Resampling.LANCZOS)
            image.paste(thumb, (LABEL_WIDTH + column * THUMB[0], row * THUMB[1]))
    return image


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--full", type=Path, help="also write each card at full size here")
    args = parser.parse_args()
    if args.full:
        args.full.mkdir(parents=True, exist_ok=True)
    sheet(render_all(args.full)).save(HERE / "contact-sheet.png", optimize=True)


if __name__ == "__main__":
    main()
