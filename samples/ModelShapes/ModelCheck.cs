namespace ModelShapes;

/// <summary>How one model shape compared with the fp64 reference, as the cells of its table row.</summary>
internal sealed record ModelCheck(bool Passed, string[] Cells);
