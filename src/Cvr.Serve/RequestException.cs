namespace Cvr.Serve;

/// <summary>Thrown inside the parser, turned into a 400 by the endpoint.</summary>
internal sealed class RequestException(RequestError error) : Exception(error.Message)
{
    public RequestError Error { get; } = error;
}
