using Hoard.Client;
using Hoard.Client.Caching;
using Microsoft.Extensions.Caching.Distributed;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers Hoard as the application's distributed cache.</summary>
public static class HoardServiceCollectionExtensions
{
    /// <summary>
    /// Adds a shared <see cref="HoardClient"/> and registers it as <see cref="IDistributedCache"/> and
    /// <see cref="IBufferDistributedCache"/> (so <c>HybridCache</c> uses it as its second level). Nothing
    /// connects until the first request, so the application starts even when no cache server is up.
    /// </summary>
    public static IServiceCollection AddHoardCache(this IServiceCollection services, Action<HoardClientOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configure);
        services.AddOptions<HoardClientOptions>().Configure(configure);
        return AddCore(services);
    }

    /// <summary>
    /// As <see cref="AddHoardCache(IServiceCollection, Action{HoardClientOptions})"/>, with options bound from
    /// <paramref name="section"/> (for example <c>configuration.GetSection("Hoard")</c>:
    /// <c>{ "Servers": ["cache1:11211"], "Distribution": "Ketama", "OperationTimeout": "00:00:01" }</c>).
    /// </summary>
    public static IServiceCollection AddHoardCache(this IServiceCollection services, IConfiguration section, Action<HoardClientOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(section);
        var builder = services.AddOptions<HoardClientOptions>().Bind(section);
        if (configure is not null)
            builder.Configure(configure);
        return AddCore(services);
    }

    private static IServiceCollection AddCore(IServiceCollection services)
    {
        services.TryAddSingleton(provider =>
        {
            var options = provider.GetRequiredService<IOptions<HoardClientOptions>>().Value;
            options.LoggerFactory ??= provider.GetService<ILoggerFactory>();
            return new HoardClient(options);
        });
        services.TryAddSingleton(provider => new HoardDistributedCache(provider.GetRequiredService<HoardClient>(), provider.GetService<TimeProvider>()));
        services.Replace(ServiceDescriptor.Singleton<IDistributedCache>(provider => provider.GetRequiredService<HoardDistributedCache>()));
        services.Replace(ServiceDescriptor.Singleton<IBufferDistributedCache>(provider => provider.GetRequiredService<HoardDistributedCache>()));
        return services;
    }
}
