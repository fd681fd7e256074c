// SPDX-License-Identifier: GPL-3.0-or-later
#include "common/paths.h"

#include "testenv.h"

#include <QDir>
#include <QTest>

using namespace gatehouse;

class TestPaths final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase() { test::requireIsolatedEnvironment(); }

    void followsXdgVariables()
    {
        const QString root = test::scratchRoot();
        QCOMPARE(paths::configDir(), root + QStringLiteral("/config/gatehouse"));
        QCOMPARE(paths::dataDir(), root + QStringLiteral("/data/gatehouse"));
        QCOMPARE(paths::stateDir(), root + QStringLiteral("/state/gatehouse"));
        QCOMPARE(paths::logDir(), root + QStringLiteral("/state/gatehouse/log"));
    }

    void fallsBackToHomeWithoutXdgVariables()
    {
        const QByteArray saved = qgetenv("XDG_CONFIG_HOME");
        const QByteArray savedState = qgetenv("XDG_STATE_HOME");
        qunsetenv("XDG_CONFIG_HOME");
        // The XDG specification: a relative value is invalid and ignored.
        qputenv("XDG_STATE_HOME", "relative/state");
        QCOMPARE(paths::configDir(), QDir::homePath() + QStringLiteral("/.config/gatehouse"));
        QCOMPARE(paths::stateDir(), QDir::homePath() + QStringLiteral("/.local/state/gatehouse"));
        qputenv("XDG_CONFIG_HOME", saved);
        qputenv("XDG_STATE_HOME", savedState);
    }

    void overridesForConfigAndManaged()
    {
        QCOMPARE(paths::managedDir(), QStringLiteral("/etc/gatehouse"));
        qputenv("GATEHOUSE_CONFIG_DIR", "/somewhere/config/");
        qputenv("GATEHOUSE_MANAGED_DIR", "/somewhere/managed");
        QCOMPARE(paths::configDir(), QStringLiteral("/somewhere/config"));
        QCOMPARE(paths::managedDir(), QStringLiteral("/somewhere/managed"));
        qunsetenv("GATEHOUSE_CONFIG_DIR");
        qunsetenv("GATEHOUSE_MANAGED_DIR");
        QCOMPARE(paths::configDir(), test::scratchRoot() + QStringLiteral("/config/gatehouse"));
    }
};

QTEST_GUILESS_MAIN(TestPaths)
#include "tst_paths.moc"
