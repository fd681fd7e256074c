// SPDX-License-Identifier: GPL-3.0-or-later
#include "goldenfixture.h"

#include "testenv.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QProcess>
#include <QTemporaryDir>

namespace gatehouse::test::golden {

using namespace Qt::StringLiterals;

QJsonValue substitute(const QJsonValue &value, const QString &root)
{
    if (value.isString()) {
        QString text = value.toString();
        text.replace(u"$PROJECT"_s, root + u"/home/proj"_s);
        text.replace(u"$HOME"_s, root + u"/home"_s);
        text.replace(u"$ROOT"_s, root);
        return text;
    }
    if (value.isArray()) {
        QJsonArray array;
        for (const QJsonValue &item : value.toArray())
            array.append(substitute(item, root));
        return array;
    }
    if (value.isObject()) {
        QJsonObject object;
        const QJsonObject in = value.toObject();
        for (auto it = in.begin(); it != in.end(); ++it)
            object.insert(it.key(), substitute(it.value(), root));
        return object;
    }
    return value;
}

QString fixturePath(const QString &root, const QString &path)
{
    if (path.startsWith(u"~/"_s))
        return root + u"/home/"_s + path.mid(2);
    if (path.startsWith(u'/'))
        return root + path;
    return root + u"/home/proj/"_s + path;
}

namespace {

QString runGit(const QString &folder, const QStringList &arguments)
{
    QProcess git;
    git.setWorkingDirectory(folder);
    git.setProcessChannelMode(QProcess::MergedChannels);
    git.start(u"git"_s, QStringList{u"-c"_s, u"user.name=Golden"_s, u"-c"_s, u"user.email=golden@example.invalid"_s,
                                     u"-c"_s, u"init.defaultBranch=main"_s, u"-c"_s, u"commit.gpgSign=false"_s}
                            + arguments);
    if (!git.waitForFinished(30000) || git.exitStatus() != QProcess::NormalExit || git.exitCode() != 0)
        return u"git %1 failed: %2"_s.arg(arguments.join(u' '), QString::fromUtf8(git.readAll()));
    return {};
}

} // namespace

QString writeFixture(const QString &root, const QJsonObject &f)
{
    QDir().mkpath(root + u"/home/proj"_s);
    QDir().mkpath(root + u"/home/.config/gatehouse"_s);
    const auto writeJson = [](const QString &path, const QJsonValue &value) {
        if (value.isString())
            writeFile(path, value.toString().toUtf8()); // raw text, for broken files
        else
            writeFile(path, QJsonDocument(value.toObject()).toJson());
    };
    const QList<std::pair<QString, QString>> settings{
        {u"user"_s, u"/home/.config/gatehouse/settings.json"_s},
        {u"project"_s, u"/home/proj/.gatehouse/settings.json"_s},
        {u"local"_s, u"/home/proj/.gatehouse/settings.local.json"_s},
        {u"managed"_s, u"/etc/gatehouse/managed-settings.json"_s},
    };
    for (const auto &[layer, path] : settings)
        if (f.contains(layer))
            writeJson(root + path, f.value(layer));
    const QJsonObject files = f.value(u"files"_s).toObject();
    for (auto it = files.begin(); it != files.end(); ++it)
        writeFile(fixturePath(root, it.key()), it.value().toString().toUtf8());
    for (const QJsonValue &dir : f.value(u"dirs"_s).toArray())
        QDir().mkpath(fixturePath(root, dir.toString()));
    if (f.value(u"repository"_s).toBool()) {
        const QString project = root + u"/home/proj"_s;
        for (const QStringList &arguments : {QStringList{u"init"_s, u"-q"_s}, QStringList{u"add"_s, u"-A"_s},
                                             QStringList{u"commit"_s, u"-q"_s, u"-m"_s, u"fixture"_s}})
            if (const QString error = runGit(project, arguments); !error.isEmpty())
                return error;
    }
    const QJsonObject links = f.value(u"symlinks"_s).toObject();
    for (auto it = links.begin(); it != links.end(); ++it) {
        const QString link = fixturePath(root, it.key());
        QDir().mkpath(QFileInfo(link).absolutePath());
        if (!QFile::link(it.value().toString(), link))
            return u"cannot make the link %1"_s.arg(link);
    }
    return {};
}

QString checkInBash(const QJsonObject &fixture, const QString &command, const QJsonObject &effect)
{
    QTemporaryDir scratch;
    if (!scratch.isValid())
        return u"no scratch folder"_s;
    const QString root = QDir(scratch.path()).canonicalPath();
    const QJsonObject f = substitute(fixture, root).toObject();
    if (const QString error = writeFixture(root, f); !error.isEmpty())
        return error;
    const QString script = substitute(command, root).toString();

    const QString kind = effect.keys().value(0);
    const QString path = fixturePath(root, effect.value(kind).toString());
    const QFileInfo before(path);
    const bool existed = before.exists() || before.isSymLink();
    QByteArray content;
    if (QFile file(path); existed && file.open(QIODevice::ReadOnly))
        content = file.readAll();
    if (kind == u"reads"_s && content.trimmed().size() < 6)
        return u"%1 must have distinctive content (six characters or more) for a read to be seen"_s.arg(effect.value(kind).toString());

    // Everything but the copy is read-only and there is no network: a case's command cannot
    // reach anything of the machine running the tests.
    QProcess bash;
    bash.setProcessChannelMode(QProcess::MergedChannels);
    bash.setStandardInputFile(QProcess::nullDevice());
    const QString project = root + u"/home/proj"_s;
    bash.start(u"bwrap"_s, {u"--ro-bind"_s, u"/"_s, u"/"_s, u"--dev"_s, u"/dev"_s, u"--proc"_s, u"/proc"_s,
                           u"--tmpfs"_s, u"/tmp"_s, u"--bind"_s, root, root, u"--unshare-net"_s, u"--unshare-pid"_s,
                           u"--die-with-parent"_s, u"--chdir"_s, project, u"--clearenv"_s,
                           u"--setenv"_s, u"HOME"_s, root + u"/home"_s, u"--setenv"_s, u"PATH"_s,
                           u"/usr/local/bin:/usr/bin:/bin"_s, u"--setenv"_s, u"LANG"_s, u"C.UTF-8"_s,
                           u"--"_s, u"/bin/bash"_s, u"-c"_s, script});
    if (!bash.waitForFinished(20000)) {
        bash.kill();
        bash.waitForFinished();
        return u"bash did not finish in 20 s"_s;
    }
    const QByteArray output = bash.readAll();
    const QFileInfo after(path);
    const bool exists = after.exists() || after.isSymLink();
    QByteArray now;
    if (QFile file(path); exists && file.open(QIODevice::ReadOnly))
        now = file.readAll();

    const QString shown = u"; bash said: "_s + QString::fromUtf8(output.left(600));
    if (kind == u"reads"_s)
        return output.contains(content.trimmed()) ? QString() : u"bash did not print %1's content"_s.arg(path) + shown;
    if (kind == u"writes"_s)
        return exists && (!existed || now != content) ? QString() : u"bash did not write %1"_s.arg(path) + shown;
    if (kind == u"creates"_s)
        return !existed && exists ? QString() : u"bash did not create %1 (it existed: %2)"_s.arg(path).arg(existed) + shown;
    if (kind == u"removes"_s)
        return existed && !exists ? QString() : u"bash did not remove %1 (it existed: %2)"_s.arg(path).arg(existed) + shown;
    return u"unknown effect \"%1\" (reads, writes, creates or removes)"_s.arg(kind);
}

} // namespace gatehouse::test::golden
