global using Orleans;
global using Research.Grains.Abstractions;
