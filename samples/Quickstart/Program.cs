using System;
using Quickstart;

Console.WriteLine($"Mistral:      {MistralAttention.Window}");
Console.WriteLine($"Longformer:   {LongformerAttention.Window}");
Console.WriteLine($"From cuDNN:   {MistralFromCuDnn.Window}");
return MistralAttention.Window == MistralFromCuDnn.Window ? 0 : 1;
