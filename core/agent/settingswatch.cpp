// SPDX-License-Identifier: GPL-3.0-or-later
#include "agent/settingswatch.h"

#include <QCryptographicHash>
#include <QDir>
#include <QFile>
#include <QFileInfo>

namespace gatehouse::agent {
namespace {

QString managedDropIns(const policy::PolicyOptions &options)
{
    return options.managedDir + QStringLiteral("/managed-settings.d");
}

} // namespace

SettingsWatch::SettingsWatch(const policy::PolicyOptions &options, QObject *parent)
    : QObject(parent)
    , m_options(options)
{
    // A burst of events (a build writing into the project folder, an editor saving in steps)
    // is one look at the files, a moment later.
    m_settle.setSingleShot(true);
    m_settle.setInterval(50);
    connect(&m_settle, &QTimer::timeout, this, [this] {
        rewatch(); // a file replaced by a rename is no longer watched; one created now is
        Q_EMIT touched();
    });
    const auto settle = [this] {
        if (!m_settle.isActive()) // not restarted: a steady stream of events must not put it off for ever
            m_settle.start();
    };
    connect(&m_watcher, &QFileSystemWatcher::fileChanged, this, settle);
    connect(&m_watcher, &QFileSystemWatcher::directoryChanged, this, settle);
    rewatch();
    m_last = fingerprint();
}

QStringList SettingsWatch::files() const
{
    const QString project = m_options.projectDir;
    QStringList paths;
    if (!m_options.managedDir.isEmpty()) {
        paths << m_options.managedDir + QStringLiteral("/managed-settings.json");
        const QDir dropIns(managedDropIns(m_options));
        // Every entry, as Policy::load() reads them: one that appears or becomes unreadable counts.
        const QStringList names = dropIns.entryList({QStringLiteral("*.json")},
                                                    QDir::AllEntries | QDir::System | QDir::NoDotAndDotDot, QDir::Name);
        for (const QString &name : names)
            paths << dropIns.filePath(name);
    }
    for (const QString &file : m_options.cliSettingsFiles)
        paths << QDir(project).absoluteFilePath(file);
    paths << project + QStringLiteral("/.gatehouse/settings.local.json") << project + QStringLiteral("/.gatehouse/settings.json")
          << project + QStringLiteral("/.mcp.json");
    if (!m_options.userConfigDir.isEmpty())
        paths << m_options.userConfigDir + QStringLiteral("/settings.json")
              << m_options.userConfigDir + QStringLiteral("/trust.json");
    return paths;
}

QByteArray SettingsWatch::fingerprint() const
{
    QCryptographicHash hash(QCryptographicHash::Sha256);
    for (const QString &path : files()) {
        // Each part with its length, so that no two sets of files give the same bytes.
        const auto add = [&hash](const QByteArray &part) {
            hash.addData(QByteArray(QByteArray::number(part.size()) + ':'));
            hash.addData(part);
        };
        add(path.toUtf8());
        const QFileInfo info(path);
        QFile file(path);
        if (!info.exists() && !info.isSymLink()) {
            add(QByteArrayLiteral("missing"));
        } else if (!info.isFile() || !file.open(QIODevice::ReadOnly)) {
            add(QByteArrayLiteral("unreadable"));
            add(info.symLinkTarget().toUtf8());
        } else {
            add(QByteArrayLiteral("contents"));
            add(file.readAll());
        }
    }
    return hash.result();
}

bool SettingsWatch::takeChange()
{
    const QByteArray now = fingerprint();
    if (now == m_last)
        return false;
    m_last = now;
    return true;
}

void SettingsWatch::rewatch()
{
    // The folders too: a file that does not exist yet cannot be watched, its folder can.
    QStringList wanted = files();
    for (const QString &file : files())
        wanted << QFileInfo(file).absolutePath();
    if (!m_options.managedDir.isEmpty())
        wanted << m_options.managedDir << managedDropIns(m_options);
    wanted.removeDuplicates();
    QStringList existing;
    for (const QString &path : std::as_const(wanted))
        if (QFileInfo::exists(path))
            existing << path;
    const QStringList watched = m_watcher.files() + m_watcher.directories();
    QStringList added;
    for (const QString &path : std::as_const(existing))
        if (!watched.contains(path))
            added << path;
    if (!added.isEmpty())
        m_watcher.addPaths(added);
}

} // namespace gatehouse::agent
