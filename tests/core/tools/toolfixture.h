// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "agent/tool.h"
#include "policy/engine.h"
#include "policy/policy.h"

#include "testenv.h"

#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QTest>

#include <memory>

/// A project in a temporary home, with an engine built from command-line rules (and, for
/// sandbox.filesystem.denyRead, a user settings file), and the ToolContext the tools get.
struct ToolFixture
{
    QTemporaryDir dir{gatehouse::test::scratchRoot() + QStringLiteral("/tools-XXXXXX")};
    QString root;
    std::unique_ptr<gatehouse::policy::Engine> engine;
    gatehouse::agent::ToolContext ctx;

    explicit ToolFixture(const QStringList &deny = {}, const QStringList &ask = {}, const QStringList &allow = {})
    {
        root = QDir(dir.path()).canonicalPath();
        QDir().mkpath(project());
        rebuild(deny, ask, allow);
    }

    QString home() const { return root + QStringLiteral("/home"); }
    QString project() const { return home() + QStringLiteral("/proj"); }
    QString outside() const { return root + QStringLiteral("/outside"); }
    QString path(const QString &relative) const { return project() + u'/' + relative; }

    /// A new engine (the rules changed); the old one stays valid for contexts that hold it.
    std::unique_ptr<gatehouse::policy::Engine> makeEngine(
        const QStringList &deny, const QStringList &ask = {}, const QStringList &allow = {}) const
    {
        gatehouse::policy::PolicyOptions options;
        options.projectDir = project();
        options.homeDir = home();
        options.userConfigDir = home() + QStringLiteral("/.config/gatehouse");
        options.managedDir = root + QStringLiteral("/etc/gatehouse");
        options.projectTrusted = true;
        options.cliDeny = deny;
        options.cliAsk = ask;
        options.cliAllow = allow;
        return std::make_unique<gatehouse::policy::Engine>(gatehouse::policy::Policy::load(options));
    }

    void rebuild(const QStringList &deny, const QStringList &ask = {}, const QStringList &allow = {})
    {
        engine = makeEngine(deny, ask, allow);
        QVERIFY2(engine->policy().errors().isEmpty(), qPrintable(engine->policy().errors().join(u'\n')));
        ctx.engine = engine.get();
        ctx.projectDir = engine->policy().projectDir();
    }

    /// User settings with sandbox.filesystem.denyRead = @p paths.
    void denyReadInSandbox(const QStringList &paths)
    {
        const QJsonObject settings{{QStringLiteral("sandbox"),
            QJsonObject{{QStringLiteral("filesystem"),
                QJsonObject{{QStringLiteral("denyRead"), QJsonArray::fromStringList(paths)}}}}}};
        gatehouse::test::writeFile(
            home() + QStringLiteral("/.config/gatehouse/settings.json"), QJsonDocument(settings).toJson());
        rebuild({});
    }

    void write(const QString &relative, const QByteArray &bytes) const
    {
        gatehouse::test::writeFile(path(relative), bytes);
    }

    QByteArray contents(const QString &absolute) const
    {
        QFile file(absolute);
        return file.open(QIODevice::ReadOnly) ? file.readAll() : QByteArray("<missing>");
    }

    /// The names in a folder, sorted, hidden ones included (to see leftover temporary files).
    static QStringList entries(const QString &folder)
    {
        return QDir(folder).entryList(
            QDir::AllEntries | QDir::Hidden | QDir::System | QDir::NoDotAndDotDot, QDir::Name);
    }
};
