// SPDX-License-Identifier: GPL-3.0-or-later
// Differential test of the word parser against bash itself: thousands of generated commands
// (quotes of every kind, escapes, $'...', line continuations, separators; no expansions) are
// given to bash, which only prints each command's arguments, and to our parser; the words must
// be the same. Bash runs with PATH emptied and every command starting with a function that
// only prints, so nothing else can run. GATEHOUSE_SHELLDIFF_SEED picks another seed.
#include "shell/syntax.h"

#include "testenv.h"

#include <QProcess>
#include <QRandomGenerator>
#include <QTest>

using namespace gatehouse::shell;
namespace test = gatehouse::test;

namespace {

class Generator
{
public:
    explicit Generator(quint32 seed)
        : m_random(seed)
    {
    }

    QString command()
    {
        QString text = QStringLiteral("p");
        const int words = m_random.bounded(0, 6);
        for (int i = 0; i < words; ++i) {
            text += separatorBlank();
            text += word();
        }
        return text;
    }

private:
    int pick(int n) { return m_random.bounded(n); }

    QString separatorBlank()
    {
        switch (pick(6)) {
        case 0:
            return QStringLiteral("  ");
        case 1:
            return QStringLiteral("\t");
        case 2:
            return QStringLiteral(" \\\n ");
        default:
            return QStringLiteral(" ");
        }
    }

    QChar plainChar()
    {
        static const QString chars = QStringLiteral("abcxyzABC0123456789._/-=+,%@:*?^!]}");
        return chars[pick(int(chars.size()))];
    }

    QChar anyChar()
    {
        // Anything printable, spaces and shell metacharacters included.
        static const QString chars = QStringLiteral("abc XYZ019._/-=+,%@:*?[]{}~#;&|<>()!^`$'\"\\\t\u00e9\u4e2d");
        return chars[pick(int(chars.size()))];
    }

    QString part(bool first)
    {
        QString out;
        switch (pick(7)) {
        case 0: { // plain run; "!" and "^" are kept away from the start (history, caret)
            const int n = 1 + pick(5);
            for (int i = 0; i < n; ++i) {
                QChar c = plainChar();
                if (first && i == 0 && (c == u'!' || c == u'^' || c == u'#'))
                    c = u'a';
                out += c;
            }
            break;
        }
        case 1: { // single quotes: anything but '
            out += u'\'';
            for (int i = pick(6); i > 0; --i) {
                const QChar c = anyChar();
                out += c == u'\'' ? QChar(u'x') : c;
            }
            out += u'\'';
            break;
        }
        case 2: { // double quotes with escapes, no expansions
            out += u'"';
            for (int i = pick(6); i > 0; --i) {
                const QChar c = anyChar();
                if (c == u'"' || c == u'\\' || c == u'$' || c == u'`') {
                    out += u'\\';
                    out += c;
                } else if (c == u'!') {
                    out += u'x';
                } else {
                    out += c;
                }
                if (pick(8) == 0)
                    out += QStringLiteral("\\q"); // a backslash that stays
            }
            out += u'"';
            break;
        }
        case 3: { // $'...' with escapes
            out += QStringLiteral("$'");
            static const QStringList escapes{QStringLiteral("\\n"), QStringLiteral("\\t"), QStringLiteral("\\x41"),
                                             QStringLiteral("\\101"), QStringLiteral("\\\\"), QStringLiteral("\\'"),
                                             QStringLiteral("\\\""), QStringLiteral("\\u00e9"), QStringLiteral("\\a"),
                                             QStringLiteral("\\e"), QStringLiteral("\\cZ"), QStringLiteral("\\x7e"),
                                             QStringLiteral("\\U0001F600"), QStringLiteral("\\?")};
            for (int i = pick(5); i > 0; --i) {
                if (pick(2) == 0) {
                    out += escapes[pick(int(escapes.size()))];
                } else {
                    const QChar c = anyChar();
                    out += (c == u'\'' || c == u'\\') ? QChar(u'y') : c;
                }
            }
            out += u'\'';
            break;
        }
        case 4: { // a backslash-escaped metacharacter
            static const QString metas = QStringLiteral(" ;&|<>()*?[~#$`'\"\\{}!");
            out += u'\\';
            out += metas[pick(int(metas.size()))];
            break;
        }
        case 5:
            out += QStringLiteral("''"); // empty quotes
            break;
        default:
            out += QStringLiteral("x\\\ny"); // a line continuation inside a word
        }
        return out;
    }

    QString word()
    {
        QString out;
        const int parts = 1 + pick(3);
        for (int i = 0; i < parts; ++i)
            out += part(i == 0);
        // A word must not start with '~' or '{' expansions; the parts above never produce them
        // unquoted at the start, except through escapes, which are quoted.
        return out;
    }

    QRandomGenerator m_random;
};

// The argv bash gives each command of @p script (whose commands all start with "p").
QList<QStringList> bashWords(const QString &script, QString *error)
{
    const QString program = QStringLiteral("set -f; set +B; set +H; p() { local a; for a in \"$@\"; do printf '%s\\0' \"$a\"; done; printf '\\1'; }; PATH=/nonexistent\n")
                            + script + u'\n';
    QProcess bash;
    QProcessEnvironment env;
    env.insert(QStringLiteral("LC_ALL"), QStringLiteral("C.UTF-8"));
    bash.setProcessEnvironment(env);
    bash.start(QStringLiteral("/bin/bash"), {QStringLiteral("--norc"), QStringLiteral("--noprofile"), QStringLiteral("-c"), program});
    if (!bash.waitForFinished(60000)) {
        *error = QStringLiteral("bash did not finish");
        return {};
    }
    if (!bash.readAllStandardError().isEmpty() || bash.exitCode() != 0) {
        *error = QStringLiteral("bash failed (exit %1)").arg(bash.exitCode());
        return {};
    }
    QList<QStringList> result;
    for (const QByteArray &record : bash.readAllStandardOutput().split('\1')) {
        QStringList words;
        if (!record.isEmpty())
            for (const QByteArray &word : record.chopped(1).split('\0'))
                words << QString::fromUtf8(word);
        result << words;
    }
    result.removeLast(); // after the last \1
    return result;
}

} // namespace

class TestShellDiff final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase() { test::requireIsolatedEnvironment(); }

    void wordsEqualBashArgv()
    {
        quint32 seed = 20261124;
        if (qEnvironmentVariableIsSet("GATEHOUSE_SHELLDIFF_SEED"))
            seed = quint32(qEnvironmentVariableIntValue("GATEHOUSE_SHELLDIFF_SEED"));
        Generator generator(seed);
        constexpr int batches = 25;
        constexpr int perBatch = 200;
        int compared = 0;
        for (int batch = 0; batch < batches; ++batch) {
            QStringList commands;
            for (int i = 0; i < perBatch; ++i)
                commands << generator.command();
            static const QStringList separators{QStringLiteral("\n"), QStringLiteral("; "), QStringLiteral(" && "),
                                                QStringLiteral(" ;\n")};
            QString script;
            for (int i = 0; i < commands.size(); ++i) {
                if (i > 0)
                    script += separators[i % separators.size()];
                script += commands[i];
            }
            QString error;
            const QList<QStringList> expected = bashWords(script, &error);
            QVERIFY2(error.isEmpty(), qPrintable(error + QStringLiteral(" on seed %1 batch %2").arg(seed).arg(batch)));
            QCOMPARE(expected.size(), commands.size());

            const ParseResult parsed = parse(script);
            QVERIFY2(parsed.ok, qPrintable(parsed.error));
            QCOMPARE(parsed.commands.size(), commands.size());
            for (qsizetype i = 0; i < parsed.commands.size(); ++i) {
                QStringList words;
                for (const Word &word : parsed.commands[i].words.mid(1))
                    words << word.text;
                if (words != expected[i]) {
                    qWarning().noquote() << "command:" << commands[i] << "\nbash:" << expected[i] << "\nours:" << words;
                    QFAIL(qPrintable(QStringLiteral("words differ from bash (seed %1, batch %2, command %3)").arg(seed).arg(batch).arg(i)));
                }
                ++compared;
            }
        }
        qInfo("%d generated commands compared with bash", compared);
        QCOMPARE(compared, batches * perBatch);
    }

    // {NAME}> redirections: the words around them are bash's, and every variable bash sets
    // through one is a binding of ours (ours may also list a here-string's, which bash skips).
    // Where {x} is a word, the redirection after it is of stdin, so that p's output is seen.
    void descriptorVariablesEqualBash()
    {
        const QStringList commands{
            QStringLiteral("p a {fdv1}>/dev/null b"), QStringLiteral("p {fdv2}</dev/null"),
            QStringLiteral("p {fdv3}>>/dev/null x"), QStringLiteral("p {fdv4}<>/dev/null"),
            QStringLiteral("p {fdv5}>&2"), QStringLiteral("p x{fdv6}</dev/null"),
            QStringLiteral("p \"{fdv7}\"</dev/null"), QStringLiteral("p {fdv8}&>/dev/stdout"),
            QStringLiteral("p \\{fdv9}</dev/null"), QStringLiteral("p {fdv10} </dev/null"),
            QStringLiteral("p {1}</dev/null"), QStringLiteral("p {fdv11}>/dev/null {fdv12}</dev/null"),
            QStringLiteral("p {fdv_13}>/dev/null"), QStringLiteral("{fdv14}>/dev/null p y"),
            QStringLiteral("p {fdv15}>|/dev/null"), QStringLiteral("p {fdv16}<<<here z"),
            QStringLiteral("p '{fdv17}'</dev/null")};
        QString error;
        const QList<QStringList> expected = bashWords(commands.join(u'\n') + QStringLiteral("\np $(compgen -v fdv)"), &error);
        QVERIFY2(error.isEmpty(), qPrintable(error));
        QCOMPARE(expected.size(), commands.size() + 1);
        const ParseResult parsed = parse(commands.join(u'\n'));
        QVERIFY2(parsed.ok, qPrintable(parsed.error));
        QCOMPARE(parsed.commands.size(), commands.size());
        for (qsizetype i = 0; i < commands.size(); ++i) {
            QStringList words;
            for (const Word &word : parsed.commands[i].words.mid(1))
                words << word.text;
            QVERIFY2(words == expected[i], qPrintable(commands[i] + QStringLiteral(": bash %1, ours %2")
                                                                    .arg(expected[i].join(u' '), words.join(u' '))));
        }
        QStringList ours;
        for (const VariableBinding &binding : parsed.bindings)
            if (binding.how == VariableBinding::How::Descriptor)
                ours << binding.name;
        for (const QString &name : expected.last())
            QVERIFY2(ours.contains(name), qPrintable(name + QStringLiteral(" is set by bash, not a binding of ours")));
    }
};

QTEST_GUILESS_MAIN(TestShellDiff)
#include "tst_shelldiff.moc"
