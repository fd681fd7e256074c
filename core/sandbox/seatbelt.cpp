// SPDX-License-Identifier: GPL-3.0-or-later
#include "sandbox/seatbelt.h"

#include "policy/paths.h"

namespace gatehouse::sandbox {

QString seatbeltString(const QString &text)
{
    QString out = QStringLiteral("\"");
    for (const QChar c : text) {
        if (c == u'"' || c == u'\\')
            out += u'\\';
        out += c;
    }
    return out + u'"';
}

QString seatbeltRegexLiteral(const QString &path)
{
    QString out;
    for (const QChar c : path) {
        if (QStringView(u".^$|?*+()[]{}\\").contains(c))
            out += u'\\';
        if (c == u'"')
            out += u'\\';
        out += c;
    }
    return out;
}

QString seatbeltProfile(const SandboxSpec &spec, const QString &temporaryFolder, quint16 proxyPort)
{
    QStringList writable = spec.writableFolders;
    if (!writable.contains(spec.projectDir))
        writable.prepend(spec.projectDir);
    for (QString &folder : writable)
        folder = policy::cleanAbsolute(folder);

    QString p;
    p += QStringLiteral("(version 1)\n(deny default)\n");
    p += QStringLiteral("; processes of the command, and nothing outside it\n");
    p += QStringLiteral("(allow process-exec)\n(allow process-fork)\n(allow signal (target same-sandbox))\n");
    p += QStringLiteral("(allow sysctl-read)\n(allow mach-lookup (global-name \"com.apple.system.logger\"))\n");

    p += QStringLiteral("; reading: everything but the denied paths\n(allow file-read*)\n");
    if (!spec.denyRead.isEmpty()) {
        p += QStringLiteral("(deny file-read*");
        for (const QString &path : spec.denyRead)
            p += QStringLiteral("\n    (subpath %1)").arg(seatbeltString(policy::cleanAbsolute(path)));
        p += QStringLiteral(")\n");
    }

    p += QStringLiteral("; writing: the writable folders and the private temporary folder\n(allow file-write*");
    for (const QString &folder : std::as_const(writable))
        p += QStringLiteral("\n    (subpath %1)").arg(seatbeltString(folder));
    p += QStringLiteral("\n    (subpath %1)").arg(seatbeltString(policy::cleanAbsolute(temporaryFolder)));
    p += QStringLiteral("\n    (literal \"/dev/null\")\n    (literal \"/dev/tty\")\n    (regex #\"^/dev/fd/\"))\n");

    // Protected entries, named by path: denied whether or not they exist yet, at the top of each
    // writable folder and at any depth below it.
    p += QStringLiteral("; protected entries: never written, created, renamed or removed\n(deny file-write*");
    for (const QString &folder : std::as_const(writable)) {
        const QString base = seatbeltRegexLiteral(folder);
        for (const QString &entry : protectedEntries()) {
            const QString escaped = seatbeltRegexLiteral(entry);
            p += QStringLiteral("\n    (regex #\"^%1/(.*/)?%2(/.*)?$\")").arg(base, escaped);
        }
    }
    p += QStringLiteral(")\n");
    // Their parents cannot be unlinked or renamed either (that would carry them away).
    p += QStringLiteral("(deny file-write-unlink");
    for (const QString &folder : std::as_const(writable)) {
        p += QStringLiteral("\n    (literal %1)").arg(seatbeltString(folder));
        p += QStringLiteral("\n    (regex #\"^%1/(.*/)?\\.git$\")").arg(seatbeltRegexLiteral(folder));
    }
    p += QStringLiteral(")\n");

    p += QStringLiteral("; network: only the proxy\n(deny network*)\n");
    if (proxyPort != 0)
        p += QStringLiteral("(allow network-outbound (remote ip \"localhost:%1\"))\n").arg(proxyPort);
    return p;
}

} // namespace gatehouse::sandbox
