// SPDX-License-Identifier: GPL-3.0-or-later
#include "agent/clients/modelconfig.h"

#include "agent/clients/anthropicclient.h"
#include "agent/clients/openaiclient.h"
#include "agent/clients/replayclient.h"
#include "common/paths.h"
#include "secrets/credentialstore.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonDocument>
#include <QJsonObject>
#include <QUrl>

namespace gatehouse::agent {

namespace {

using Provider = ModelConfig::Provider;

std::optional<Provider> providerFromName(const QString &name)
{
    if (name == QStringLiteral("anthropic"))
        return Provider::Anthropic;
    if (name == QStringLiteral("openai"))
        return Provider::OpenAi;
    return std::nullopt;
}

/// A settings file's top-level object; a missing file is an empty one.
Expected<QJsonObject> readSettings(const QString &path)
{
    if (path.isEmpty() || !QFileInfo::exists(path))
        return QJsonObject();
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return fail(QStringLiteral("Cannot read %1: %2").arg(path, file.errorString()));
    QJsonParseError error;
    const QJsonDocument document = QJsonDocument::fromJson(file.readAll(), &error);
    if (!document.isObject())
        return fail(QStringLiteral("%1 is not a JSON object: %2").arg(path, error.errorString()));
    return document.object();
}

QString environmentPrefix(Provider provider)
{
    return provider == Provider::OpenAi ? QStringLiteral("OPENAI_") : QStringLiteral("ANTHROPIC_");
}

Expected<QString> checkedBaseUrl(const QString &text, const QString &origin)
{
    const QUrl url(text.trimmed(), QUrl::StrictMode);
    if (!url.isValid() || (url.scheme() != QStringLiteral("https") && url.scheme() != QStringLiteral("http"))
        || url.host().isEmpty() || url.hasQuery() || url.hasFragment())
        return fail(QStringLiteral("The model server's base URL \"%1\" (from %2) is not an http or https URL without "
                                   "query.")
                        .arg(text, origin));
    if (!url.userInfo().isEmpty())
        return fail(QStringLiteral("The model server's base URL (from %1) must not carry a user name or password.")
                        .arg(origin));
    return url.toString(QUrl::StripTrailingSlash);
}

} // namespace

QString providerName(ModelConfig::Provider provider)
{
    switch (provider) {
    case Provider::Anthropic:
        return QStringLiteral("anthropic");
    case Provider::OpenAi:
        return QStringLiteral("openai");
    case Provider::Replay:
        return QStringLiteral("replay");
    }
    return QStringLiteral("anthropic");
}

ModelConfigSources ModelConfigSources::standard()
{
    ModelConfigSources sources;
    sources.userSettingsFile = paths::configDir() + QStringLiteral("/settings.json");
    sources.environment = QProcessEnvironment::systemEnvironment();
    return sources;
}

Expected<ModelConfig> resolveModelConfig(const ModelConfigSources &sources)
{
    const QProcessEnvironment &env = sources.environment;
    ModelConfig config;

    const auto user = readSettings(sources.userSettingsFile);
    if (!user)
        return std::unexpected(user.error());
    const QJsonValue providerValue = user->value(QStringLiteral("modelProvider"));
    if (!providerValue.isUndefined() && !providerValue.isObject())
        return fail(QStringLiteral("\"modelProvider\" in %1 must be an object.").arg(sources.userSettingsFile));
    const QJsonObject userProvider = providerValue.toObject();

    // Project files may name a model; the provider and the server are the person's own choice.
    QString projectModel;
    for (const QString &path : sources.projectSettingsFiles) {
        const auto project = readSettings(path);
        if (!project)
            return std::unexpected(project.error());
        if (project->contains(QStringLiteral("modelProvider")))
            config.warnings.append(QStringLiteral("%1 sets \"modelProvider\", which only your own settings (%2) may "
                                                  "set; it is ignored.")
                                       .arg(path, sources.userSettingsFile));
        if (const QString model = project->value(QStringLiteral("model")).toString(); !model.isEmpty())
            projectModel = model;
    }

    // The provider: --replay, then the environment, then the user's settings.
    const QString userType = userProvider.value(QStringLiteral("type")).toString(QStringLiteral("anthropic"));
    const auto userTypeProvider = providerFromName(userType);
    if (!userTypeProvider)
        return fail(QStringLiteral("\"modelProvider.type\" in %1 is \"%2\"; use \"anthropic\" or \"openai\".")
                        .arg(sources.userSettingsFile, userType));
    if (!sources.cliReplayFile.isEmpty()) {
        config.provider = Provider::Replay;
    } else if (const QString name = env.value(QStringLiteral("GATEHOUSE_MODEL_PROVIDER")); !name.isEmpty()) {
        const auto provider = providerFromName(name);
        if (!provider)
            return fail(
                QStringLiteral("GATEHOUSE_MODEL_PROVIDER is \"%1\"; use \"anthropic\" or \"openai\".").arg(name));
        config.provider = *provider;
    } else {
        config.provider = *userTypeProvider;
    }

    if (config.provider == Provider::Replay) {
        config.replayFile = QFileInfo(sources.cliReplayFile).absoluteFilePath();
        auto script = ReplayClient::loadScript(config.replayFile);
        if (!script)
            return std::unexpected(script.error());
        config.model = sources.cliModel.isEmpty() ? QStringLiteral("replay") : sources.cliModel;
        return config;
    }

    // The user's modelProvider speaks for the provider it names only.
    const bool userProviderApplies = *userTypeProvider == config.provider;
    const QString prefix = environmentPrefix(config.provider);
    const bool anthropic = config.provider == Provider::Anthropic;

    const QString baseVariable = prefix + QStringLiteral("BASE_URL");
    QString baseUrl = QString::fromLatin1(anthropic ? DefaultAnthropicBaseUrl : DefaultOpenAiBaseUrl);
    QString baseOrigin = QStringLiteral("the defaults");
    if (const QString fromEnvironment = env.value(baseVariable); !fromEnvironment.isEmpty()) {
        baseUrl = fromEnvironment;
        baseOrigin = baseVariable;
    } else if (const QString fromUser = userProvider.value(QStringLiteral("baseUrl")).toString();
               userProviderApplies && !fromUser.isEmpty()) {
        baseUrl = fromUser;
        baseOrigin = sources.userSettingsFile;
    }
    auto checked = checkedBaseUrl(baseUrl, baseOrigin);
    if (!checked)
        return std::unexpected(checked.error());
    config.baseUrl = *checked;

    // The model. The top-level "model" is Claude Code's key and names a Claude model.
    const QString userProviderModel =
        userProviderApplies ? userProvider.value(QStringLiteral("model")).toString() : QString();
    const QString userModel = anthropic ? user->value(QStringLiteral("model")).toString() : QString();
    for (const QString &candidate : {sources.cliModel, env.value(prefix + QStringLiteral("MODEL")),
                                     anthropic ? projectModel : QString(), userProviderModel, userModel,
                                     anthropic ? QString::fromLatin1(DefaultAnthropicModel) : QString()}) {
        if (!candidate.isEmpty()) {
            config.model = candidate;
            break;
        }
    }
    if (config.model.isEmpty())
        return fail(QStringLiteral("No model is set for the OpenAI-compatible server: set \"modelProvider.model\" in "
                                   "%1, OPENAI_MODEL, or --model.")
                        .arg(sources.userSettingsFile));

    if (userProviderApplies) {
        const int idle = userProvider.value(QStringLiteral("idleTimeoutSeconds")).toInt(0);
        if (idle > 0)
            config.idleTimeoutMs = idle * 1000;
        const QJsonValue retries = userProvider.value(QStringLiteral("maxRetries"));
        if (retries.isDouble() && retries.toInt() >= 0)
            config.maxRetries = retries.toInt();
    }

    const QString keyVariable = prefix + QStringLiteral("API_KEY");
    if (const QString key = env.value(keyVariable); !key.isEmpty()) {
        config.apiKey = key;
        config.apiKeyOrigin = keyVariable;
    }
    return config;
}

QString keychainEntry(ModelConfig::Provider provider)
{
    switch (provider) {
    case Provider::Anthropic:
        return secrets::CredentialStore::anthropicApiKey();
    case Provider::OpenAi:
        return QStringLiteral("openai-api-key");
    case Provider::Replay:
        break;
    }
    return {};
}

bool needsKeychainKey(const ModelConfig &config)
{
    return config.provider != Provider::Replay && config.apiKey.isEmpty();
}

void fillApiKeyFromKeychain(ModelConfig config, secrets::CredentialStore *store, QObject *context,
                            std::function<void(Expected<ModelConfig>)> done)
{
    auto *guard = new QObject(context);
    const QString entry = keychainEntry(config.provider);
    const auto finish = [guard, done = std::move(done)](Expected<ModelConfig> result) {
        if (guard->property("done").toBool())
            return;
        guard->setProperty("done", true);
        guard->deleteLater(); // ends the connections below
        done(std::move(result));
    };
    const auto withoutKey = [finish, config](const QString &reason) {
        if (config.provider == Provider::OpenAi) {
            finish(config);
            return;
        }
        finish(fail(QStringLiteral("No Anthropic API key: %1. Set one in Settings > Account, or in the "
                                   "ANTHROPIC_API_KEY environment variable.")
                        .arg(reason)));
    };
    if (!needsKeychainKey(config)) {
        QMetaObject::invokeMethod(guard, [finish, config] { finish(config); }, Qt::QueuedConnection);
        return;
    }
    QObject::connect(store, &secrets::CredentialStore::readFinished, guard,
                     [finish, config, entry](const QString &key, const QString &value) mutable {
                         if (key != entry)
                             return;
                         config.apiKey = value;
                         config.apiKeyOrigin = QStringLiteral("the keychain");
                         finish(config);
                     });
    QObject::connect(store, &secrets::CredentialStore::notFound, guard, [withoutKey, entry](const QString &key) {
        if (key == entry)
            withoutKey(QStringLiteral("none is stored in the keychain"));
    });
    QObject::connect(store, &secrets::CredentialStore::failed, guard,
                     [withoutKey, entry](secrets::CredentialStore::Operation, const QString &key,
                                         const QString &message, bool) {
                         if (key == entry)
                             withoutKey(QStringLiteral("the keychain could not be read (%1)").arg(message));
                     });
    store->read(entry);
}

std::unique_ptr<ModelClient> createModelClient(const ModelConfig &config, QObject *parent)
{
    if (config.provider == Provider::Replay)
        return std::make_unique<ReplayClient>(config.replayFile, parent);
    HttpClientOptions options;
    options.baseUrl = QUrl(config.baseUrl);
    options.model = config.model;
    options.apiKey = config.apiKey;
    options.apiKeyOrigin = config.apiKeyOrigin;
    options.retry = RetryPolicy{config.maxRetries, config.initialRetryDelayMs, config.maxRetryDelayMs};
    options.idleTimeoutMs = config.idleTimeoutMs;
    if (config.provider == Provider::OpenAi)
        return std::make_unique<OpenAiClient>(options, parent);
    return std::make_unique<AnthropicClient>(options, parent);
}

} // namespace gatehouse::agent
