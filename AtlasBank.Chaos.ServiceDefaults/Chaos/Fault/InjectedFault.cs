using System.Net;
using System.Net.Http.Headers;
using System.Text;
using AtlasBank.Chaos.Contracts.Chaos;

namespace AtlasBank.Chaos.ServiceDefaults.Chaos.Fault;

/// <summary>The fault: a 503 a real overloaded service would give, marked so nobody mistakes it for one.</summary>
public static class InjectedFault
{
    public const string ReasonPhrase = "Chaos fault injected";

    public static HttpResponseMessage Create(ChaosExperiment experiment)
    {
        var response = new HttpResponseMessage(HttpStatusCode.ServiceUnavailable)
        {
            ReasonPhrase = ReasonPhrase,
            Content = new StringContent(
                $$"""{"title":"Chaos fault injected.","status":503,"detail":"Experiment {{experiment.ExperimentId}} on service '{{experiment.Service}}' failed this call on purpose."}""",
                Encoding.UTF8,
                new MediaTypeHeaderValue("application/problem+json")),
        };
        response.Headers.Add(ChaosHeaders.Experiment, experiment.ExperimentId);
        response.Headers.Add(ChaosHeaders.Injected, ChaosHeaders.Fault);
        return response;
    }
}
