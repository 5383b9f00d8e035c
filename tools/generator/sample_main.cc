// budget-sample: writes a generated district to a folder, for the quickstart,
// demos and load tests.
//
//   budget-sample --out=sample --division=430602 --name=岳阳楼区
//       --departments=6 --units=50 --years=2022,2023 --seed=1
//
// writes sample/org.csv (the tree, for `budgetctl org import`) and
// sample/packages/<year>/<uscc>.json (one package per unit and year), and
// prints the planted anomalies.

#include <filesystem>
#include <fstream>
#include <iostream>
#include <string>
#include <vector>

#include "CLI/CLI.hpp"
#include "common/package/package_json.h"
#include "tools/generator/sample_generator.h"

int main(int argc, char** argv) {
  CLI::App app{"Writes a generated district (org tree and packages) to a folder."};
  std::string out = "sample";
  std::string division = "430602";
  std::string name = "岳阳楼区";
  int departments = 6;
  int units = 50;
  std::vector<int> years = {2023};
  uint64_t seed = 1;
  int anomaly_one_in = 10;
  app.add_option("--out", out, "output folder")->capture_default_str();
  app.add_option("--division", division, "the district's division code (GB/T 2260)")
      ->capture_default_str();
  app.add_option("--name", name, "the district's name")->capture_default_str();
  app.add_option("--departments", departments, "number of departments")->capture_default_str();
  app.add_option("--units", units, "number of units besides the departments")
      ->capture_default_str();
  app.add_option("--years", years, "years to generate, e.g. 2022,2023")->delimiter(',')
      ->capture_default_str();
  app.add_option("--seed", seed, "the seed number: the same seed, the same sample")
      ->capture_default_str();
  app.add_option("--anomaly-one-in", anomaly_one_in,
                 "plant one anomaly in about one unit in N (0: none)")
      ->capture_default_str();
  CLI11_PARSE(app, argc, argv);

  budgetperf::SampleGenerator generator(seed);
  const budgetperf::SampleDistrict district =
      generator.District(division, name, departments, units);
  std::filesystem::create_directories(out);
  {
    std::ofstream csv(std::filesystem::path(out) / "org.csv");
    csv << budgetperf::OrgCsv(district.org);
  }
  int written = 0;
  for (int year : years) {
    const std::filesystem::path dir = std::filesystem::path(out) / "packages" / std::to_string(year);
    std::filesystem::create_directories(dir);
    for (const budgetperf::SampleUnit& unit : district.units) {
      const budgetperf::Anomaly anomaly =
          anomaly_one_in > 0 ? generator.PlantedAnomaly(unit, year, anomaly_one_in)
                             : budgetperf::Anomaly::kNone;
      if (anomaly != budgetperf::Anomaly::kNone) {
        std::cout << "planted " << budgetperf::AnomalyName(anomaly) << " in " << unit.uscc << " "
                  << unit.name << " " << year << "\n";
      }
      std::ofstream file(dir / (unit.uscc + ".json"));
      file << budgetperf::PackageToJson(generator.Package(unit, year, anomaly)) << "\n";
      ++written;
    }
  }
  std::cout << "wrote " << district.org.size() << " org rows and " << written
            << " packages to " << out << std::endl;
  return 0;
}
