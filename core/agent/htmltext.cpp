// SPDX-License-Identifier: GPL-3.0-or-later
#include "agent/htmltext.h"

#include <QHash>
#include <QSet>

namespace gatehouse::agent {
namespace {

constexpr char16_t lineBreak = 0x2028;      // a block boundary: one line break
constexpr char16_t paragraphBreak = 0x2029; // a paragraph boundary: an empty line

const QSet<QString> &skippedElements()
{
    static const QSet<QString> names{QStringLiteral("script"), QStringLiteral("style"), QStringLiteral("head"),
                                     QStringLiteral("noscript"), QStringLiteral("template"), QStringLiteral("svg"),
                                     QStringLiteral("iframe"), QStringLiteral("object")};
    return names;
}

const QSet<QString> &paragraphElements()
{
    static const QSet<QString> names{QStringLiteral("p"), QStringLiteral("pre"), QStringLiteral("blockquote"),
                                     QStringLiteral("table"), QStringLiteral("ul"), QStringLiteral("ol"),
                                     QStringLiteral("hr"), QStringLiteral("section"), QStringLiteral("article")};
    return names;
}

const QSet<QString> &blockElements()
{
    static const QSet<QString> names{
        QStringLiteral("p"),       QStringLiteral("div"),     QStringLiteral("br"),       QStringLiteral("tr"),
        QStringLiteral("section"), QStringLiteral("article"), QStringLiteral("header"),   QStringLiteral("footer"),
        QStringLiteral("pre"),     QStringLiteral("blockquote"), QStringLiteral("table"), QStringLiteral("ul"),
        QStringLiteral("ol"),      QStringLiteral("hr"),      QStringLiteral("nav"),      QStringLiteral("main"),
        QStringLiteral("aside"),   QStringLiteral("dt"),      QStringLiteral("dd"),       QStringLiteral("figure"),
        QStringLiteral("form"),    QStringLiteral("title"),   QStringLiteral("body"),     QStringLiteral("html")};
    return names;
}

QString decodeEntity(const QString &name)
{
    static const QHash<QString, QString> named{
        {QStringLiteral("amp"), QStringLiteral("&")},     {QStringLiteral("lt"), QStringLiteral("<")},
        {QStringLiteral("gt"), QStringLiteral(">")},      {QStringLiteral("quot"), QStringLiteral("\"")},
        {QStringLiteral("apos"), QStringLiteral("'")},    {QStringLiteral("nbsp"), QStringLiteral(" ")},
        {QStringLiteral("mdash"), QString(QChar(0x2014))}, {QStringLiteral("ndash"), QString(QChar(0x2013))},
        {QStringLiteral("hellip"), QString(QChar(0x2026))}, {QStringLiteral("copy"), QString(QChar(0xa9))},
        {QStringLiteral("laquo"), QString(QChar(0xab))},  {QStringLiteral("raquo"), QString(QChar(0xbb))},
        {QStringLiteral("rsquo"), QString(QChar(0x2019))}, {QStringLiteral("lsquo"), QString(QChar(0x2018))},
        {QStringLiteral("rdquo"), QString(QChar(0x201d))}, {QStringLiteral("ldquo"), QString(QChar(0x201c))}};
    if (name.startsWith(u'#')) {
        bool ok = false;
        const uint code = name.size() > 1 && (name.at(1) == u'x' || name.at(1) == u'X') ? name.mid(2).toUInt(&ok, 16)
                                                                                         : name.mid(1).toUInt(&ok, 10);
        // Control characters and non-characters would hide text; show nothing for them.
        if (!ok || code == 0 || code > 0x10ffff || (code < 0x20 && code != u'\n' && code != u'\t')
            || (code >= 0xd800 && code <= 0xdfff))
            return {};
        if (code == lineBreak || code == paragraphBreak)
            return QStringLiteral(" ");
        const char32_t c = code;
        return QString::fromUcs4(&c, 1);
    }
    return named.value(name, QStringLiteral("&") + name + u';');
}

// The lower-case element name of a tag starting at text[at] == '<', and whether it closes.
QString tagName(const QString &text, qsizetype at, bool *closing)
{
    qsizetype i = at + 1;
    *closing = i < text.size() && text.at(i) == u'/';
    if (*closing)
        ++i;
    QString name;
    while (i < text.size() && (text.at(i).isLetterOrNumber() || text.at(i) == u'-'))
        name += text.at(i++).toLower();
    return name;
}

// Whitespace in the text is one space (as HTML renders it); runs of boundaries become one line
// break, or one empty line when a paragraph boundary is among them.
QString tidy(const QString &raw)
{
    QString out;
    out.reserve(raw.size());
    int breaks = 0; // 0 none, 1 line, 2 paragraph
    bool space = false;
    for (const QChar c : raw) {
        if (c.unicode() == lineBreak || c.unicode() == paragraphBreak) {
            breaks = std::max(breaks, c.unicode() == paragraphBreak ? 2 : 1);
            space = false;
            continue;
        }
        if (c.isSpace()) {
            space = true;
            continue;
        }
        if (!out.isEmpty()) {
            if (breaks > 0)
                out += breaks == 2 ? QStringLiteral("\n\n") : QStringLiteral("\n");
            else if (space)
                out += u' ';
        }
        breaks = 0;
        space = false;
        out += c;
    }
    return out;
}

} // namespace

QString htmlToText(const QString &html)
{
    QString raw;
    raw.reserve(html.size() / 2);
    qsizetype i = 0;
    const qsizetype n = html.size();
    while (i < n) {
        const QChar c = html.at(i);
        if (c == u'<') {
            if (html.mid(i, 4) == QStringLiteral("<!--")) {
                const qsizetype end = html.indexOf(QStringLiteral("-->"), i + 4);
                i = end < 0 ? n : end + 3;
                continue;
            }
            bool closing = false;
            const QString name = tagName(html, i, &closing);
            if (name.isEmpty() && !closing && html.mid(i, 2) != QStringLiteral("<!") && html.mid(i, 2) != QStringLiteral("<?")) {
                raw += c; // a lone '<' in text
                ++i;
                continue;
            }
            // Only for a tag: a lone '<' looking for its '>' would scan the rest of the page each time.
            const qsizetype tagEnd = html.indexOf(u'>', i);
            i = tagEnd < 0 ? n : tagEnd + 1;
            if (!closing && skippedElements().contains(name)) {
                const qsizetype end = html.indexOf(QStringLiteral("</") + name, i, Qt::CaseInsensitive);
                if (end < 0) {
                    i = n;
                } else {
                    const qsizetype close = html.indexOf(u'>', end);
                    i = close < 0 ? n : close + 1;
                }
                continue;
            }
            if (name == QStringLiteral("li") && !closing) {
                raw += QChar(lineBreak);
                raw += QStringLiteral("- ");
            } else if (name.size() == 2 && name.at(0) == u'h' && name.at(1) >= u'1' && name.at(1) <= u'6') {
                raw += QChar(paragraphBreak);
                if (!closing)
                    raw += QString(name.at(1).digitValue(), u'#') + u' ';
            } else if (name == QStringLiteral("td") || name == QStringLiteral("th")) {
                raw += closing ? QString() : QStringLiteral(" | ");
            } else if (paragraphElements().contains(name)) {
                raw += QChar(paragraphBreak);
            } else if (blockElements().contains(name)) {
                raw += QChar(lineBreak);
            }
            continue;
        }
        if (c == u'&') {
            qsizetype end = i + 1;
            while (end < n && end - i <= 10 && (html.at(end).isLetterOrNumber() || html.at(end) == u'#'))
                ++end;
            if (end < n && html.at(end) == u';' && end > i + 1) {
                raw += decodeEntity(html.mid(i + 1, end - i - 1));
                i = end + 1;
                continue;
            }
        }
        raw += c;
        ++i;
    }
    return tidy(raw);
}

} // namespace gatehouse::agent
