namespace Hoard.Router.Requests;

/// <summary>A keyed command as the router routes it (a multi-key get arrives here one key at a time).</summary>
public enum RouterOperation : byte
{
    Get,
    Gets,
    Gat,
    Gats,
    Set,
    Add,
    Replace,
    Append,
    Prepend,
    Cas,
    Delete,
    Incr,
    Decr,
    Touch,
    MetaGet,
    MetaSet,
    MetaDelete,
    MetaArithmetic,
    MetaDebug,
}

/// <summary>mcrouter's operation groups, for per-operation failover errors and <c>OperationSelectorRoute</c>.</summary>
public enum OperationGroup : byte
{
    /// <summary>Reads: get, gets, gat, gats, mg, me.</summary>
    Gets,

    /// <summary>Writes: set, add, replace, append, prepend, cas, incr, decr, touch, ms, ma.</summary>
    Updates,

    /// <summary>delete, md.</summary>
    Deletes,
}

public static class RouterOperationExtensions
{
    public static OperationGroup Group(this RouterOperation operation) => operation switch
    {
        RouterOperation.Get or RouterOperation.Gets or RouterOperation.Gat or RouterOperation.Gats
            or RouterOperation.MetaGet or RouterOperation.MetaDebug => OperationGroup.Gets,
        RouterOperation.Delete or RouterOperation.MetaDelete => OperationGroup.Deletes,
        _ => OperationGroup.Updates,
    };

    public static bool IsMeta(this RouterOperation operation) => operation >= RouterOperation.MetaGet;

    /// <summary>The command's name as mcrouter's <c>OperationSelectorRoute</c> spells it.</summary>
    public static string PolicyName(this RouterOperation operation) => operation switch
    {
        RouterOperation.Get or RouterOperation.MetaGet or RouterOperation.MetaDebug => "get",
        RouterOperation.Gets => "gets",
        RouterOperation.Gat => "gat",
        RouterOperation.Gats => "gats",
        RouterOperation.Set or RouterOperation.MetaSet => "set",
        RouterOperation.Add => "add",
        RouterOperation.Replace => "replace",
        RouterOperation.Append => "append",
        RouterOperation.Prepend => "prepend",
        RouterOperation.Cas => "cas",
        RouterOperation.Delete or RouterOperation.MetaDelete => "delete",
        RouterOperation.Incr or RouterOperation.MetaArithmetic => "incr",
        RouterOperation.Decr => "decr",
        RouterOperation.Touch => "touch",
        _ => "get",
    };
}
