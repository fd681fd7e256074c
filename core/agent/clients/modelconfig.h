// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "agent/modelclient.h"
#include "common/error.h"

#include <QProcessEnvironment>
#include <QStringList>

#include <functional>
#include <memory>

namespace gatehouse::secrets {
class CredentialStore;
}

namespace gatehouse::agent {

/// Which model Gatehouse talks to, where, and with which key.
struct ModelConfig
{
    enum class Provider { Anthropic, OpenAi, Replay };
    Provider provider = Provider::Anthropic;
    QString baseUrl;    ///< without /v1/...; may carry a gateway's path prefix
    QString model;
    QString apiKey;     ///< never logged, never written anywhere
    QString replayFile; ///< Replay: absolute path
    int maxRetries = 4;
    int initialRetryDelayMs = 1000;
    int maxRetryDelayMs = 60000;
    int idleTimeoutMs = 120000;
    /// Where apiKey came from, for messages: "ANTHROPIC_API_KEY", "OPENAI_API_KEY", "the keychain".
    QString apiKeyOrigin;
    /// Things the person should hear about (a project file that tried to set the provider...).
    QStringList warnings;
};

QString providerName(ModelConfig::Provider provider); ///< "anthropic", "openai", "replay"

inline constexpr auto DefaultAnthropicBaseUrl = "https://api.anthropic.com";
inline constexpr auto DefaultAnthropicModel = "claude-sonnet-4-5";
/// Ollama's OpenAI-compatible endpoint on this machine.
inline constexpr auto DefaultOpenAiBaseUrl = "http://localhost:11434/v1";

/// Everything a model configuration is made from.
struct ModelConfigSources
{
    /// The user's own settings: "model" and the "modelProvider" object
    /// ({"type":"anthropic"|"openai","baseUrl":...,"model":...,"idleTimeoutSeconds":...}).
    QString userSettingsFile;
    /// A project's settings files, lowest precedence first. Only their "model" is read: a
    /// repository must never choose the server that receives the person's API key, so
    /// "modelProvider" there is ignored (with a warning).
    QStringList projectSettingsFiles;
    /// ANTHROPIC_BASE_URL, ANTHROPIC_API_KEY, ANTHROPIC_MODEL, OPENAI_BASE_URL, OPENAI_API_KEY,
    /// OPENAI_MODEL, and GATEHOUSE_MODEL_PROVIDER ("anthropic" or "openai").
    QProcessEnvironment environment;
    QString cliModel;      ///< --model
    QString cliReplayFile; ///< --replay

    /// The user settings file in paths::configDir() and the process environment.
    static ModelConfigSources standard();
};

/// Resolves the configuration. Precedence: command line > environment > project settings
/// ("model" only) > user settings > defaults. The provider and base URL come only from the
/// command line, the environment and the user's settings. Fails on a provider or URL that
/// cannot be used, an OpenAI-compatible server without a model, or a replay file that cannot
/// be read. The key comes from the environment here; when it is not there, see
/// needsKeychainKey() and fillApiKeyFromKeychain().
Expected<ModelConfig> resolveModelConfig(const ModelConfigSources &sources);

/// The keychain entry of @p provider's key ("anthropic-api-key", "openai-api-key"); empty for a replay.
QString keychainEntry(ModelConfig::Provider provider);
/// Whether the key is still to be read from the keychain.
bool needsKeychainKey(const ModelConfig &config);

/// Reads the key from @p store when needsKeychainKey(), then calls @p done once, from the event
/// loop, with the completed configuration. Anthropic without any key fails with a message that
/// says where to set one; an OpenAI-compatible server goes on without a key (local servers need none).
void fillApiKeyFromKeychain(ModelConfig config, secrets::CredentialStore *store, QObject *context,
                            std::function<void(Expected<ModelConfig>)> done);

/// The client for @p config (a replay, whatever the file holds: its errors show at send()).
std::unique_ptr<ModelClient> createModelClient(const ModelConfig &config, QObject *parent = nullptr);

} // namespace gatehouse::agent
