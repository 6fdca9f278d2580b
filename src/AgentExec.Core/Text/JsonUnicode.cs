using System.Runtime.InteropServices;
using System.Text.Json;

namespace AgentExec.Core.Text;

/// <summary>Whether parsed JSON holds only text a string can hold, for readers of what others wrote (a config file, a client's answer).</summary>
internal static class JsonUnicode
{
    /// <summary>
    /// True when every key and string value of <paramref name="element"/> decodes. JSON may escape half of a surrogate
    /// pair (<c>"\ud800"</c>), which no string can hold, and <see cref="JsonElement"/> throws only when such a string is
    /// read, wherever that happens later. Only a <c>\u</c> escape can do that (the reader has checked the UTF-8), so most
    /// documents need no walk.
    /// </summary>
    public static bool EveryStringDecodes(JsonElement element) =>
        JsonMarshal.GetRawUtf8Value(element).IndexOf("\\u"u8) < 0 || DecodeEveryString(element);

    private static bool DecodeEveryString(JsonElement root)
    {
        var pending = new Stack<JsonElement>();
        pending.Push(root);
        try
        {
            while (pending.TryPop(out var element))
            {
                switch (element.ValueKind)
                {
                    case JsonValueKind.String:
                        _ = element.GetString();
                        break;
                    case JsonValueKind.Array:
                        foreach (var item in element.EnumerateArray())
                        {
                            pending.Push(item);
                        }

                        break;
                    case JsonValueKind.Object:
                        foreach (var property in element.EnumerateObject())
                        {
                            _ = property.Name;
                            pending.Push(property.Value);
                        }

                        break;
                }
            }
        }
        catch (InvalidOperationException)
        {
            return false;
        }

        return true;
    }
}
