using System.Security.Claims;
using Research.Console.Security;
using Research.Grains.Abstractions.Alerts;
using Research.Grains.Abstractions.Security;

namespace Research.Console.Alerts;

/// <summary>
/// The alerts page's calls through <see cref="ConsoleActions"/>. Reads are not audited (a refreshing page is not the
/// user's activity); changes are audited by the alert grain itself (rules, channels, tests, acknowledgements, with the
/// user the console passes), so the console does not write a second row for them.
/// </summary>
public sealed class ConsoleAlerts(IClusterClient cluster, ConsoleActions actions)
{
    private IAlertGrain Grain => cluster.GetGrain<IAlertGrain>(0);

    public Task<(AlertView[] History, AlertRuleView[] Rules, AlertChannelView[] Channels)> LoadAsync(ClaimsPrincipal user, bool refresh) =>
        actions.RunAsync(user, ResearchActions.AlertsView, "alerts", async () =>
            (await Grain.HistoryAsync(50).ConfigureAwait(false), await Grain.RulesAsync().ConfigureAwait(false), await Grain.ChannelsAsync().ConfigureAwait(false)),
            new ActionOptions(Audit: false, Touch: !refresh));

    public Task<string[]> PreviewAsync(ClaimsPrincipal user, AlertRuleView rule, string subject, double value) =>
        actions.RunAsync(user, ResearchActions.AlertsView, rule.Name, () => Grain.PreviewAsync(rule, subject, value), new ActionOptions(Audit: false));

    public Task<AlertRuleView> PutRuleAsync(ClaimsPrincipal user, AlertRuleView rule) =>
        actions.RunAsync(user, ResearchActions.AlertsEdit, rule.Name, () => Grain.PutRuleAsync(rule), new ActionOptions(Audit: false));

    public Task<bool> DeleteRuleAsync(ClaimsPrincipal user, string name) =>
        actions.RunAsync(user, ResearchActions.AlertsEdit, name, () => Grain.DeleteRuleAsync(name), new ActionOptions(Audit: false));

    public Task<AlertChannelView> PutChannelAsync(ClaimsPrincipal user, AlertChannelInput channel) =>
        actions.RunAsync(user, ResearchActions.AlertsEdit, channel.Name, () => Grain.PutChannelAsync(channel), new ActionOptions(Audit: false));

    public Task<bool> DeleteChannelAsync(ClaimsPrincipal user, string name) =>
        actions.RunAsync(user, ResearchActions.AlertsEdit, name, () => Grain.DeleteChannelAsync(name), new ActionOptions(Audit: false));

    public Task<AlertAttemptView[]> TestChannelAsync(ClaimsPrincipal user, string name) =>
        actions.RunAsync(user, ResearchActions.AlertsEdit, name, () => Grain.TestChannelAsync(name), new ActionOptions(Audit: false));

    public Task<AlertView> AcknowledgeAsync(ClaimsPrincipal user, long id, string comment) =>
        actions.RunAsync(user, ResearchActions.AlertsAck, id.ToString(System.Globalization.CultureInfo.InvariantCulture), () => Grain.AcknowledgeAsync(id, comment), new ActionOptions(Audit: false));
}
