// Test category of this assembly (README: the unit loop runs Category=Unit; test.sh runs everything).
[assembly: Trait("Category", "Unit")]
