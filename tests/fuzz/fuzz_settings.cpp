// SPDX-License-Identifier: GPL-3.0-or-later
// libFuzzer target: settings files and rules. Whatever the bytes, parsing either succeeds or
// fails with a message naming the file; it never crashes. A file that parses keeps every deny
// rule it holds (none is silently dropped).
#include "policy/settings.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

#include <cstdint>
#include <cstdlib>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t *data, std::size_t size)
{
    using namespace gatehouse::policy;
    const QByteArray bytes(reinterpret_cast<const char *>(data), static_cast<qsizetype>(size));
    const AnchorFolders anchors{QStringLiteral("/p"), QStringLiteral("/s"), QStringLiteral("/h")};
    const auto file = parseSettings(bytes, QStringLiteral("fuzz.json"), Layer::Project, anchors);
    if (!file) {
        if (!file.error().message.startsWith(QStringLiteral("fuzz.json:")))
            std::abort();
    } else {
        const QJsonArray deny = QJsonDocument::fromJson(bytes).object().value(QStringLiteral("permissions")).toObject()
                                    .value(QStringLiteral("deny")).toArray();
        qsizetype denies = 0;
        for (const RuleEntry &entry : file->rules)
            if (entry.verdict == Verdict::Deny)
                ++denies;
        if (denies != deny.size())
            std::abort();
    }
    // Each line as a rule, too.
    for (const QByteArray &line : bytes.split('\n')) {
        QStringList warnings;
        const auto rule = parseRule(QString::fromUtf8(line), anchors, &warnings);
        if (rule && rule->kind == Rule::Kind::Command)
            rule->command.matches(QStringLiteral("npm run test -- -x"));
    }
    return 0;
}
